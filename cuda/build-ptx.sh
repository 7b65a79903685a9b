#!/usr/bin/env bash
# Compiles the CUDA C kernels (src/main/cuda/*.cu) to PTX twice: for the virtual architecture
# compute_75 (Turing; the oldest CUDA 13 accepts), which the driver JIT-compiles for any newer GPU,
# into OUT_DIR/compute_75/, and for compute_90 (Hopper: programmatic dependent launch, L2 prefetch
# and 256-byte L2 fetches, common.cuh's after_previous_kernel) into OUT_DIR/compute_90/. Run by
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
rm -f "$out"/*.ptx  # the layout before the per-architecture folders
for arch in 75 90; do
  dir=$out/compute_$arch
  mkdir -p "$dir"
  for f in "$src"/*.cu; do
    name=$(basename "$f" .cu)
    stale=false
    for dep in "$f" "$src"/*.cuh "$gen"/*.cuh; do
      if [[ ! -f $dir/$name.ptx || $dep -nt $dir/$name.ptx ]]; then stale=true; fi
    done
    if $stale; then
      "$nvcc_bin" --ptx -arch=compute_$arch -O3 -I"$src" -I"$gen" -o "$dir/$name.ptx" "$f"
    fi
  done
done
# the table the PTX was compiled against: the backend uses the PTX only while it equals the
# table WeightTypeHeader generates at run time (else NVRTC recompiles the sources)
cp "$gen/weight_types.cuh" "$out/weight_types.cuh"
echo "[bantam-cuda] PTX for compute_75 and compute_90 built with $nvcc_bin"
