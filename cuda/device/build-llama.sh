#!/usr/bin/env bash
# On the GPU machine: builds llama.cpp's CUDA binaries (the targets named, e.g. llama-bench
# llama-server llama-perplexity) from the sources bundle.sh packed into .devcarry/llama.cpp.txz,
# into /tmp/llama.cpp-build with -DGGML_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES=90. The build stays for
# the next call on the same machine, so a second call only links what is new. JOBS=N caps the
# compile jobs (default: every core). Exits 1 when there is no bundled source or the build fails.
set -euo pipefail
[[ $# -ge 1 ]] || { echo "usage: $0 TARGET..." >&2; exit 2; }
src=/tmp/llama.cpp-src build=/tmp/llama.cpp-build
if [[ ! -f $src/CMakeLists.txt ]]; then
  [[ -f .devcarry/llama.cpp.txz ]] || { echo "build-llama.sh: no .devcarry/llama.cpp.txz (LLAMA_CPP_SRC=DIR bash cuda/device/bundle.sh ...)" >&2; exit 1; }
  mkdir -p "$src" && tar -C "$src" -xJf .devcarry/llama.cpp.txz
fi
[[ -f $build/CMakeCache.txt ]] || cmake -S "$src" -B "$build" -DGGML_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES=90 -DLLAMA_CURL=OFF -DCMAKE_BUILD_TYPE=Release
cmake --build "$build" -j "${JOBS:-$(nproc)}" --target "$@"
