#!/usr/bin/env bash
# Compile-checks every kernel file for the H100/H200 (sm_90) with nvcc, without a GPU, and prints
# each kernel's registers, spills and shared memory (ptxas -v): the check to run after editing a
# .cu file on a machine without a GPU. Needs weight_types.cuh, which the Maven build generates
# (mvn -pl cuda -am compile), or a GEN_DIR holding it.
# Usage: cuda/check-kernels.sh [ARCH=sm_90] [GEN_DIR=cuda/target/generated-cuda]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
arch=${1:-sm_90}
gen=${2:-$here/target/generated-cuda}
[[ -f $gen/weight_types.cuh ]] || { echo "no $gen/weight_types.cuh: run mvn -pl cuda -am compile first" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
status=0
for f in "$here"/src/main/cuda/*.cu; do
  name=$(basename "$f" .cu)
  if ! nvcc -cubin -arch="$arch" -O3 -I"$here/src/main/cuda" -I"$gen" -Xptxas -v -o "$out/$name.cubin" "$f" 2>"$out/$name.log"; then
    cat "$out/$name.log"; status=1; continue
  fi
  # "Compiling entry function 'k'" then "Used N registers, ..." and the spill line: one line a kernel
  awk -v file="$name" '/Compiling entry function/ {k=$7; gsub(/\x27/, "", k)} /spill stores/ {spill=$5" spill stores"} /Used [0-9]+ registers/ {sub(/.*Used /, ""); printf "%-12s %-18s %s, %s\n", file, k, $0, spill}' "$out/$name.log"
  grep -i "warning" "$out/$name.log" || true
done
exit $status
