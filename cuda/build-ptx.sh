#!/usr/bin/env bash
# Compiles the CUDA C kernels (src/main/cuda/*.cu) to PTX for the virtual architecture compute_75
# (Turing; the oldest CUDA 13 accepts), which the driver JIT-compiles for any newer GPU. Run by
# Maven in process-resources. Without nvcc (on the PATH or in $CUDA_HOME/bin) it only says so:
# the jar then carries the sources alone, and the backend compiles them with NVRTC at run time.
set -euo pipefail
src=$1
out=$2
nvcc_bin=$(command -v nvcc || true)
if [[ -z $nvcc_bin && -n ${CUDA_HOME:-} && -x $CUDA_HOME/bin/nvcc ]]; then nvcc_bin=$CUDA_HOME/bin/nvcc; fi
if [[ -z $nvcc_bin ]]; then
  echo "[bantam-cuda] nvcc not found: no prebuilt PTX; the cuda backend will compile its kernels with NVRTC"
  exit 0
fi
mkdir -p "$out"
for f in "$src"/*.cu; do
  name=$(basename "$f" .cu)
  if [[ ! -f $out/$name.ptx || $f -nt $out/$name.ptx || $src/common.cuh -nt $out/$name.ptx ]]; then
    "$nvcc_bin" --ptx -arch=compute_75 -O3 -I"$src" -o "$out/$name.ptx" "$f"
  fi
done
echo "[bantam-cuda] PTX for compute_75 built with $nvcc_bin"
