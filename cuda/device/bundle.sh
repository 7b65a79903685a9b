#!/usr/bin/env bash
# Packs what a GPU machine without Java or Maven needs to run the cuda backend's GPU tests, the
# CLI and the speed measurements: a jlinked JDK 25 runtime and thin jars (ONNX Runtime's native
# libraries stripped: the cuda work does not use them). Usage: cuda/device/bundle.sh OUT_DIR
# Protobuf is left out (only ONNX export needs it) to stay under the 64 MiB a call may carry.
# (run from the repository root after `mvn -pl cli -am -DskipTests package` and
# `mvn -pl cuda test-compile`).
set -euo pipefail
out=$(mkdir -p "$1" && cd "$1" && pwd)  # absolute: the test classes are zipped from inside cuda/target
m2=${M2_REPO:-$HOME/.m2/repository}
mkdir -p "$out/lib"
# uncompressed image, then xz: about 14 MB (the working tree that travels is limited to 64 MiB)
if [[ ! -f $out/jre.txz ]]; then
  rm -rf /tmp/bantam-jre
  "$JAVA_HOME/bin/jlink" --add-modules java.base,java.logging,java.management,java.naming,jdk.incubator.vector,jdk.unsupported \
    --strip-debug --no-header-files --no-man-pages --compress=zip-0 --output /tmp/bantam-jre
  tar -C /tmp -cf - bantam-jre | xz -T2 -9 > "$out/jre.txz"
fi
rm -f "$out"/lib/*.jar
cp core/target/bantam-core-*.jar onnx/target/bantam-onnx-*.jar cuda/target/bantam-cuda-*.jar game/target/bantam-game-*.jar \
   convert/target/bantam-convert-*.jar study/target/bantam-study-*.jar testing/target/bantam-testing-*.jar "$out/lib/"
cp cli/target/bantam-cli-*.jar "$out/lib/"
zip -qd "$out"/lib/bantam-cli-*.jar 'models/*' >/dev/null  # the models are in the working tree
(cd cuda/target/test-classes && zip -qr "$out/lib/bantam-cuda-tests.jar" .)
for a in info/picocli/picocli/4.7.7 com/fasterxml/jackson/core/jackson-databind/2.21.3 com/fasterxml/jackson/core/jackson-core/2.21.3 \
         com/fasterxml/jackson/core/jackson-annotations/2.21 me/tongfei/progressbar/0.10.1 org/jline/jline-terminal/3.24.1 \
         org/jline/jline-native/3.24.1 \
         org/junit/platform/junit-platform-launcher/1.14.1 org/junit/platform/junit-platform-engine/1.14.1 org/opentest4j/opentest4j/1.3.0 \
         org/junit/platform/junit-platform-commons/1.14.1 org/apiguardian/apiguardian-api/1.1.2 org/junit/jupiter/junit-jupiter-api/5.14.1 \
         org/junit/jupiter/junit-jupiter-params/5.14.1 org/junit/jupiter/junit-jupiter-engine/5.14.1 org/assertj/assertj-core/3.27.7 \
         org/hipparchus/hipparchus-core/4.0.2 org/hipparchus/hipparchus-stat/4.0.2; do
  cp "$m2/$a"/*.jar "$out/lib/"
done
ort=$m2/com/microsoft/onnxruntime/onnxruntime/1.23.2/onnxruntime-1.23.2.jar
cp "$ort" "$out/lib/onnxruntime-nonative.jar"
zip -qd "$out/lib/onnxruntime-nonative.jar" 'ai/onnxruntime/native/*' >/dev/null
rm -f "$out"/lib/*-sources.jar "$out"/lib/*-javadoc.jar
cp cuda/device/gpu-run.sh cuda/device/hf_speed.py cuda/device/ncu_summary.py "$out/"
du -sh "$out"
