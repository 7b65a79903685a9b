#!/usr/bin/env bash
# Issue 17's structure-aware mutation run, at the heap a user might have:
#   mutation-fuzz.sh [SECONDS] [SEED] [OUT_DIR]
# Mutants of every fixture GGUF (tiny, default, game) through info, generate and play; of ONNX
# files (two exported from tiny GGUFs, the game networks) through generate/play --backend onnx-cpu;
# of Hugging Face folders (the arch fixtures, one of them sharded, the game checkpoints) through
# convert/convert-game and then info/play. Builds the test classes once (offline), then runs
# dev.bantam.cli.fuzz.MutationHarness in one JVM with -Xmx512m; the counts land in OUT_DIR/summary.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/find-jdk.sh
source scripts/find-jdk.sh
export JAVA_HOME=$BANTAM_JAVA_HOME PATH=$BANTAM_JAVA_HOME/bin:$PATH
SECONDS_TO_RUN=${1:-600}
SEED=${2:-1}
OUT=${3:-target/mutation-fuzz}
CP_FILE=cli/target/fuzz-classpath.txt
if [[ ! -s $CP_FILE || -n ${REBUILD:-} ]]; then
  mvn -q -o -pl cli -am test-compile org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/$CP_FILE" >&2
fi
# the run reads a copy of the compiled classes, so that a rebuild meanwhile cannot pull them away
SNAP="$OUT/classes"
rm -rf "$SNAP" && mkdir -p "$SNAP"
CP=""
for entry in cli/target/test-classes cli/target/classes $(tr ':' ' ' < "$CP_FILE"); do
  if [[ -d $entry ]]; then
    copy="$SNAP/$(echo "$entry" | tr '/' '_')"
    cp -r "$entry" "$copy"
    entry=$copy
  fi
  CP="$CP${CP:+:}$entry"
done
JAVA=(java -Xmx512m --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp "$CP")
mkdir -p "$OUT/onnx-seeds"
for m in llama-256 gpt2-tiny; do
  f=$(ls fixtures/tiny/$m/*-f32.gguf 2>/dev/null | head -1) || true
  [[ -n $f && ! -s $OUT/onnx-seeds/$m.onnx ]] && "${JAVA[@]}" dev.bantam.cli.Main export-onnx "$f" "$OUT/onnx-seeds/$m.onnx" --force >&2
done
SEEDS=(fixtures/tiny/*/*-f32.gguf fixtures/tiny/*/*-q8_0.gguf fixtures/tiny/llama-256/llama-256-q4_k.gguf
       cli/src/main/resources/models/*.gguf fixtures/game/*/model.gguf
       "$OUT"/onnx-seeds/*.onnx fixtures/game/*/model.onnx
       fixtures/arch/*/hf fixtures/game/*/ sharded:fixtures/arch/llama31-tiny/hf)
exec "${JAVA[@]}" dev.bantam.cli.fuzz.MutationHarness "$SECONDS_TO_RUN" "$SEED" "$OUT" "${SEEDS[@]}"
