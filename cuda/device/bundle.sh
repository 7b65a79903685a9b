#!/usr/bin/env bash
# Packs what a GPU machine without Java or Maven needs to run the cuda backend's GPU tests, the
# CLI and the speed measurements: a jlinked JDK 25 runtime and thin jars (ONNX Runtime's native
# libraries stripped: the cuda work does not use them). Usage: cuda/device/bundle.sh OUT_DIR
# (run from the repository root after `mvn -pl cli -am -DskipTests package` and
# `mvn -pl cuda -am test-compile`). LLAMA_CPP_SRC=DIR also copies llama.cpp's sources (issue15-table.sh).
set -euo pipefail
out=$(mkdir -p "$1" && cd "$1" && pwd)  # absolute: the test classes are zipped from inside cuda/target
m2=${M2_REPO:-$HOME/.m2/repository}
mkdir -p "$out/lib"
# uncompressed image, then xz: about 14 MB (the working tree that travels is limited to 64 MiB)
if [[ ! -f $out/jre.txz ]]; then
  rm -rf /tmp/bantam-jre
  # java.net.http: the study measures llama-server and other OpenAI endpoints through HTTP;
  # java.desktop: jinjava (chat templates, so serve and chat) uses java.beans
  "$JAVA_HOME/bin/jlink" --add-modules java.base,java.desktop,java.logging,java.management,java.naming,java.net.http,jdk.incubator.vector,jdk.unsupported \
    --strip-debug --no-header-files --no-man-pages --compress=zip-0 --output /tmp/bantam-jre
  tar -C /tmp -cf - bantam-jre | xz -T2 -9 > "$out/jre.txz"
fi
rm -f "$out"/lib/*.jar
# The CLI's fat jar carries every module and library (chat's jinjava included); the embedded models
# stay in the working tree, and ONNX Runtime's natives and protobuf are dropped (no ONNX work there).
cp cli/target/bantam.jar "$out/lib/bantam.jar"
zip -qd "$out/lib/bantam.jar" 'models/*' 'ai/onnxruntime/native/*' 'com/google/protobuf/*' >/dev/null || true
cp testing/target/bantam-testing-*.jar "$out/lib/"
(cd cuda/target/test-classes && zip -qr "$out/lib/bantam-cuda-tests.jar" .)
for a in org/junit/platform/junit-platform-launcher/1.14.1 org/junit/platform/junit-platform-engine/1.14.1 org/opentest4j/opentest4j/1.3.0 \
         org/junit/platform/junit-platform-commons/1.14.1 org/apiguardian/apiguardian-api/1.1.2 org/junit/jupiter/junit-jupiter-api/5.14.1 \
         org/junit/jupiter/junit-jupiter-params/5.14.1 org/junit/jupiter/junit-jupiter-engine/5.14.1 org/assertj/assertj-core/3.27.7; do
  cp "$m2/$a"/*.jar "$out/lib/"
done
rm -f "$out"/lib/*-sources.jar "$out"/lib/*-javadoc.jar
cp cuda/device/gpu-run.sh cuda/device/ab.sh cuda/device/hf_speed.py cuda/device/ncu_summary.py cuda/device/study-run.sh cuda/device/torch_worker_check.py \
   cuda/device/issue15-table.sh cuda/device/issue15_table.py cuda/device/build-llama.sh "$out/"
# LLAMA_CPP_SRC=DIR: llama.cpp's sources (no .git, build, models, docs), xz-packed (about 4 MB rather
# than 20) for build-llama.sh to build there
if [[ -n ${LLAMA_CPP_SRC:-} ]]; then
  tar -C "$LLAMA_CPP_SRC" --exclude=.git --exclude=./build --exclude=./models --exclude=./docs --exclude=./media -cf - . | xz -T2 -6 > "$out/llama.cpp.txz"
fi
du -sh "$out"
