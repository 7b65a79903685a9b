#!/usr/bin/env bash
# On the GPU machine, from the repository root with the bundle (bundle.sh) in .devcarry: the
# study of issue 16 — Bantam cuda and cpu, PyTorch eager and compiled, llama.cpp — on synth
# llama-1b and the embedded models, every backend on the same weights, then its verification.
#   [LLAMA_CPP_DIR=/path/to/llama.cpp/bin] bash .devcarry/study-run.sh [--quick] [--shard K/N]
# Without LLAMA_CPP_DIR, llama.cpp is built here by build-llama.sh when the bundle has its sources.
# Needs python3 with torch and transformers on the PATH for the torch variants, llama.cpp's
# llama-server and llama-perplexity for the llama.cpp ones; a missing one is reported by
# 'bantam backends' and its variants become FAILED rows with the reason. Output in $OUT/study.
set -uo pipefail
out=${OUT:-/tmp/bantam-out}
mkdir -p "$out"
[[ -d /tmp/bantam-jre ]] || tar -C /tmp -xJf .devcarry/jre.txz
JAVA="/tmp/bantam-jre/bin/java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx24g"
# the embedded models are read from the working tree: bundle.sh strips them from the jar
# absolute: the study's worker JVMs start in other folders
CP=$(ls "$PWD"/.devcarry/lib/*.jar | tr '\n' ':')$PWD/cli/src/main/resources
bantam() { $JAVA -cp "$CP" dev.bantam.cli.Main "$@"; }
if [[ -z ${LLAMA_CPP_DIR:-} && -f .devcarry/llama.cpp.txz ]]; then
  bash "$(dirname "$0")/build-llama.sh" llama-server llama-perplexity > "$out/llama-build.log" 2>&1 \
    && LLAMA_CPP_DIR=/tmp/llama.cpp-build/bin || echo "llama.cpp build failed: $out/llama-build.log"
fi
dir_key=""
[[ -n "${LLAMA_CPP_DIR:-}" ]] && dir_key=", \"llama_cpp_dir\": \"$LLAMA_CPP_DIR\""
cat > "$out/study-spec.json" <<JSON
{"models": ["synth:llama-1b", "austen-llama-7m", "austen-gpt2-7m"],
 "backends": [{"backend": "cpu", "type": "q8_0"},
              {"backend": "cuda", "type": "bf16"}, {"backend": "cuda", "type": "q8_0"}, {"backend": "cuda", "type": "q4_k_m"},
              {"backend": "torch", "type": "bf16"}, {"backend": "torch-compiled", "type": "bf16"},
              {"backend": "llama.cpp", "type": "bf16"}, {"backend": "llama.cpp", "type": "q8_0"}, {"backend": "llama.cpp", "type": "q4_k_m"}]
 $dir_key}
JSON
bantam backends
bantam study --spec "$out/study-spec.json" --out "$out/study" "$@" 2>&1 | tr '\r' '\n' | grep -v '^study \[' | tee "$out/study.log"
bantam report --verify "$out/study"
