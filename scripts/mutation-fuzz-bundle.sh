#!/usr/bin/env bash
# mutation-fuzz-bundle.sh OUTDIR [--with-seeds]
# What scripts/mutation-fuzz.sh needs to run without Maven (FUZZ_CP_DIR=OUTDIR), on a machine with
# only a Java runtime: the CLI's test classes (the harness) and classes, the other modules' classes
# and the runtime dependency jars, in OUTDIR/classes and OUTDIR/lib, listed in order in
# OUTDIR/classpath.txt. ONNX Runtime's jar keeps only its linux-x64 natives (the onnx mutants run
# on them; the other platforms' are 265 MB of the jar). The test-only jars (JUnit, AssertJ,
# ArchUnit, ...) stay out, and so do the embedded models in the CLI's classes: the harness needs none. The seeds are read from the checkout the script
# runs in; --with-seeds copies them into OUTDIR/seeds too (the fixtures, the embedded models and
# the two ONNX exports), for a machine without the checkout.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $# -ge 1 ]] || { echo "usage: $0 OUTDIR [--with-seeds]" >&2; exit 2; }
OUT=$(realpath -m "$1")
WITH_SEEDS=${2:-}
# shellcheck source=scripts/find-jdk.sh
source scripts/find-jdk.sh
export JAVA_HOME=$BANTAM_JAVA_HOME PATH=$BANTAM_JAVA_HOME/bin:$PATH
CP_FILE=cli/target/fuzz-runtime-classpath.txt
mvn -q -o -pl cli -am test-compile org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -DincludeScope=runtime -Dmdep.outputFile="$PWD/$CP_FILE" >&2
rm -rf "$OUT" && mkdir -p "$OUT/classes" "$OUT/lib"
n=0
for entry in cli/target/test-classes cli/target/classes $(tr ':' ' ' < "$CP_FILE"); do
  if [[ -d $entry ]]; then
    # core/target/classes -> classes/03-core-classes
    name=classes/$(printf %02d $n)-$(basename "$(dirname "$(dirname "$entry")")")-$(basename "$entry")
    cp -r "$entry" "$OUT/$name"
    # the embedded models (17 MB): every harness command names its mutant with -m; as seeds they are read from the checkout
    [[ $entry == cli/target/classes ]] && rm -f "$OUT/$name"/models/*.gguf
    n=$((n + 1))
  else
    name=lib/$(basename "$entry")
    cp "$entry" "$OUT/$name"
    if [[ $name == lib/onnxruntime-*.jar ]]; then
      zip -q -d "$OUT/$name" 'ai/onnxruntime/native/osx-*' 'ai/onnxruntime/native/win-*' 'ai/onnxruntime/native/linux-aarch64/*' >/dev/null
    fi
  fi
  echo "$name" >> "$OUT/classpath.txt"
done
if [[ $WITH_SEEDS == --with-seeds ]]; then
  mkdir -p "$OUT/seeds"
  # the seed files mutation-fuzz.sh names, and nothing else of fixtures/
  cp -r --parents fixtures/tiny/*/*-f32.gguf fixtures/tiny/*/*-q8_0.gguf fixtures/tiny/llama-256/llama-256-q4_k.gguf \
    cli/src/main/resources/models/*.gguf fixtures/game/*/ fixtures/arch/*/hf "$OUT/seeds/"
  mkdir -p "$OUT/seeds/onnx-seeds"
  for m in llama-tiny gpt2-tiny; do
    "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
      -cp "$(sed "s|^|$OUT/|" "$OUT/classpath.txt" | paste -sd:)" dev.bantam.cli.Main export-onnx \
      "$(ls fixtures/tiny/$m/*-f32.gguf | head -1)" "$OUT/seeds/onnx-seeds/$m.onnx" --force 2>/dev/null >&2
  done
fi
echo "bundle: $(du -sh "$OUT" | cut -f1) in $OUT; the largest parts:" >&2
du -sh "$OUT"/lib/* "$OUT"/classes/* ${WITH_SEEDS:+"$OUT"/seeds} 2>/dev/null | sort -h | tail -6 >&2
