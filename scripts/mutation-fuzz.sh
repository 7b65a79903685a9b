#!/usr/bin/env bash
# Issue 17's structure-aware mutation run over every fixture GGUF (tiny, default, game), at the
# heap a user might have: mutation-fuzz.sh [SECONDS] [SEED] [OUT_DIR]. Builds the test classes once
# (offline), then runs dev.bantam.cli.fuzz.MutationHarness in one JVM with -Xmx512m.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TO_RUN=${1:-600}
SEED=${2:-1}
OUT=${3:-target/mutation-fuzz}
CP_FILE=cli/target/fuzz-classpath.txt
if [[ ! -s $CP_FILE || -n ${REBUILD:-} ]]; then
  mvn -q -o -pl cli -am test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/$CP_FILE" >&2
fi
CP="cli/target/test-classes:cli/target/classes:$(cat "$CP_FILE")"
SEEDS=(fixtures/tiny/*/*-f32.gguf fixtures/tiny/*/*-q8_0.gguf fixtures/tiny/llama-256/llama-256-q4_k.gguf
       cli/src/main/resources/models/*.gguf fixtures/game/*/model.gguf)
exec java -Xmx512m --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  -cp "$CP" dev.bantam.cli.fuzz.MutationHarness "$SECONDS_TO_RUN" "$SEED" "$OUT" "${SEEDS[@]}"
