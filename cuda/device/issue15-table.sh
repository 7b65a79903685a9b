#!/usr/bin/env bash
# On the GPU machine, from the repository root with the bundle (bundle.sh) in .devcarry: the whole
# table of issue 15 in one command, every engine on the same synth files, one after another:
# Bantam (CudaSpeed, B1 and B4), llama.cpp's llama-bench -ngl 99 -p 512 -n 128 (built here in the
# background while Bantam measures) and Hugging Face transformers (hf_speed.py).
#   bash .devcarry/issue15-table.sh        → $OUT/issue15-table.md, beside the raw logs
# llama.cpp: LLAMA_BENCH=/path/to/llama-bench, else built by build-llama.sh from the sources that
# bundle.sh packed (LLAMA_CPP_SRC=DIR bash cuda/device/bundle.sh ...); the build, like the synth
# models in /tmp/models, stays for the next run on the same machine. Without either, its columns read "—".
set -uo pipefail
out=${OUT:-/tmp/bantam-out}
mkdir -p "$out"
here=$(dirname "$0")
rm -f "$out/speed.log"  # gpu-run.sh appends to it
bench=${LLAMA_BENCH:-/tmp/llama.cpp-build/bin/llama-bench}
build=
if [[ ! -x $bench && -f .devcarry/llama.cpp.txz ]]; then
  # two thirds of the cores: Bantam's measurements run meanwhile and need a few
  JOBS=$(( $(nproc) * 2 / 3 )) nice bash "$here/build-llama.sh" llama-bench > "$out/llama-build.log" 2>&1 &
  build=$!
fi
models="gpt2-124m:f16 llama-1b:bf16 llama-1b:q8_0 llama-1b:q4_0 llama-1b:q4_k_m"
SPECS="$models" bash "$here/gpu-run.sh" speed > /dev/null
bash "$here/gpu-run.sh" hf > /dev/null
[[ -n $build ]] && { wait "$build" || echo "llama.cpp build failed: $out/llama-build.log"; }
if [[ -x $bench ]]; then
  for spec in $models; do
    "$bench" -m /tmp/models/"${spec%%:*}-${spec##*:}".gguf -ngl 99 -p 512 -n 128 -r 3 -o md 2>&1
  done | tee "$out/llama-bench.log" > /dev/null
else
  echo "no llama-bench (set LLAMA_BENCH or bundle the llama.cpp source): its columns read —"
fi
python3 "$here/issue15_table.py" "$out/speed.log" "$out/llama-bench.log" "$out/hf.log" | tee "$out/issue15-table.md"
