#!/usr/bin/env bash
# Compiles the CUDA C kernels (src/main/cuda/*.cu) to PTX for the virtual architecture compute_75
# (Turing; the oldest CUDA 13 accepts), which the driver JIT-compiles for any newer GPU. Run by
# Maven in process-classes, after WeightTypeHeader has written weight_types.cuh into GEN_DIR.
# Without nvcc (on the PATH or in $CUDA_HOME/bin) it says so and drops any PTX of an earlier
# build: the jar then carries the sources alone, and the backend compiles them with NVRTC at run time.
# Usage: build-ptx.sh SRC_DIR OUT_DIR GEN_DIR
set -euo pipefail
src=$1
out=$2
gen=$3
nvcc_bin=$(command -v nvcc || true)
if [[ -z $nvcc_bin && -n ${CUDA_HOME:-} && -x $CUDA_HOME/bin/nvcc ]]; then nvcc_bin=$CUDA_HOME/bin/nvcc; fi
if [[ -z $nvcc_bin ]]; then
  rm -rf "$out"  # PTX of an earlier build with nvcc would no longer follow the sources
  echo "[bantam-cuda] nvcc not found: no prebuilt PTX; the cuda backend will compile its kernels with NVRTC"
  exit 0
fi
mkdir -p "$out"
for f in "$src"/*.cu; do
  name=$(basename "$f" .cu)
  stale=false
  for dep in "$f" "$src"/*.cuh "$gen"/*.cuh; do
    if [[ ! -f $out/$name.ptx || $dep -nt $out/$name.ptx ]]; then stale=true; fi
  done
  if $stale; then
    "$nvcc_bin" --ptx -arch=compute_75 -O3 -I"$src" -I"$gen" -o "$out/$name.ptx" "$f"
  fi
done
# the table the PTX was compiled against: the backend uses the PTX only while it equals the
# table WeightTypeHeader generates at run time (else NVRTC recompiles the sources)
cp "$gen/weight_types.cuh" "$out/weight_types.cuh"
echo "[bantam-cuda] PTX for compute_75 built with $nvcc_bin"
