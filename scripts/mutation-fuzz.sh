#!/usr/bin/env bash
# Issue 17's structure-aware mutation run, at the heap a user might have:
#   [WORKERS=K] [BANTAM_JAVA=/path/to/java] [FUZZ_CP_DIR=BUNDLE] mutation-fuzz.sh [SECONDS] [SEED] [OUT_DIR]
# Mutants of every fixture GGUF (tiny, default, game) through info, generate and play; of ONNX
# files (two exported from tiny GGUFs, the game networks) through generate/play --backend onnx-cpu;
# of Hugging Face folders (the arch fixtures, one of them sharded, the game checkpoints) through
# convert/convert-game and then info/play. Each worker is one JVM with -Xmx512m running
# dev.bantam.cli.fuzz.MutationHarness; its counts land in OUT_DIR/summary.txt.
#   WORKERS=K      K worker JVMs side by side, seeds SEED..SEED+K-1, each in OUT_DIR/worker-N (its
#                  defective mutants kept there) with 1/K of the cores; then their counts are
#                  summed into OUT_DIR/summary.txt (a worker that crashed counts as a defect).
#   SHARE=F:W,...  the families' weights in the mix (default gguf:2,onnx:1,safetensors:1)
#   BANTAM_JAVA    the java to run (a jlinked runtime will do: java.base, jdk.incubator.vector,
#                  java.net.http, java.management, jdk.unsupported, java.logging, java.xml, java.desktop);
#                  otherwise a JDK >= 25 is found as ./bantam finds it.
#   FUZZ_CP_DIR    a bundle made by scripts/mutation-fuzz-bundle.sh: its classpath.txt and, when it
#                  has them, its seeds/; no Maven. Otherwise the classes are built once (offline).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TO_RUN=${1:-600}
SEED=${2:-1}
OUT=${3:-target/mutation-fuzz}
WORKERS=${WORKERS:-1}
mkdir -p "$OUT"
if [[ -n ${BANTAM_JAVA:-} ]]; then
  JAVA_BIN=$BANTAM_JAVA
else
  # shellcheck source=scripts/find-jdk.sh
  source scripts/find-jdk.sh
  JAVA_BIN=$BANTAM_JAVA_HOME/bin/java
fi

SEED_ROOT=.
if [[ -n ${FUZZ_CP_DIR:-} ]]; then
  CP=$(sed "s|^|$FUZZ_CP_DIR/|" "$FUZZ_CP_DIR/classpath.txt" | paste -sd:)
  [[ -d $FUZZ_CP_DIR/seeds ]] && SEED_ROOT=$FUZZ_CP_DIR/seeds
else
  # Maven needs a JDK even when BANTAM_JAVA names the runtime
  # shellcheck source=scripts/find-jdk.sh
  [[ -n ${BANTAM_JAVA_HOME:-} ]] || source scripts/find-jdk.sh
  export JAVA_HOME=$BANTAM_JAVA_HOME PATH=$BANTAM_JAVA_HOME/bin:$PATH
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
fi
# each worker's forward passes get its share of the cores (its commands run with -t 1 anyway)
CORES=$(( $(nproc) / WORKERS > 0 ? $(nproc) / WORKERS : 1 ))
JAVA=("$JAVA_BIN" -Xmx512m ${SHARE:+-Dbantam.fuzz.share=$SHARE} -XX:ActiveProcessorCount=$CORES --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp "$CP")

ONNX_SEEDS=$SEED_ROOT/onnx-seeds
[[ -d $ONNX_SEEDS ]] || ONNX_SEEDS=$OUT/onnx-seeds
mkdir -p "$ONNX_SEEDS"
for m in llama-tiny gpt2-tiny; do
  f=$(ls "$SEED_ROOT"/fixtures/tiny/$m/*-f32.gguf 2>/dev/null | head -1) || true
  [[ -n $f && ! -s $ONNX_SEEDS/$m.onnx ]] && "${JAVA[@]}" dev.bantam.cli.Main export-onnx "$f" "$ONNX_SEEDS/$m.onnx" --force >&2
done
S=$SEED_ROOT
SEEDS=($S/fixtures/tiny/*/*-f32.gguf $S/fixtures/tiny/*/*-q8_0.gguf $S/fixtures/tiny/llama-256/llama-256-q4_k.gguf
       $S/cli/src/main/resources/models/*.gguf $S/fixtures/game/*/model.gguf
       "$ONNX_SEEDS"/*.onnx $S/fixtures/game/*/model.onnx
       $S/fixtures/arch/*/hf $S/fixtures/game/*/ sharded:$S/fixtures/arch/llama31-tiny/hf)

if (( WORKERS == 1 )); then
  exec "${JAVA[@]}" dev.bantam.cli.fuzz.MutationHarness "$SECONDS_TO_RUN" "$SEED" "$OUT" "${SEEDS[@]}"
fi
pids=() dirs=()
for ((w = 0; w < WORKERS; w++)); do
  dir=$OUT/worker-$w
  mkdir -p "$dir"
  "${JAVA[@]}" dev.bantam.cli.fuzz.MutationHarness "$SECONDS_TO_RUN" $((SEED + w)) "$dir" "${SEEDS[@]}" > "$dir/log.txt" 2>&1 &
  pids+=($!) dirs+=("$dir")
done
echo "mutation-fuzz: $WORKERS workers ($CORES cores each), logs in $OUT/worker-N/log.txt" >&2
for p in "${pids[@]}"; do wait "$p" || true; done
"${JAVA[@]}" dev.bantam.cli.fuzz.MutationHarness merge "$OUT" "${dirs[@]}"
