#!/usr/bin/env bash
# On the GPU machine, from the repository root with the bundle (bundle.sh) in .devcarry:
#   bash .devcarry/gpu-run.sh STEP...   steps: info tests cli serve models speed check ncu bench hf
#   (SPECS="llama-1b:q4_k_m llama-1b:q5_k_m" bash .devcarry/gpu-run.sh speed: the _M mixes)
# Logs go to $OUT (or /tmp/bantam-out).
set -uo pipefail
out=${OUT:-/tmp/bantam-out}
mkdir -p "$out" /tmp/models
[[ -d /tmp/bantam-jre ]] || tar -C /tmp -xJf .devcarry/jre.txz
# JAVA_OPTS: extra JVM options (-Dbantam.cuda.int8=false: the float matrix-vector kernels, to compare)
JAVA="/tmp/bantam-jre/bin/java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx24g ${JAVA_OPTS:-}"
CP=$(ls .devcarry/lib/*.jar | tr '\n' ':')
bantam() { $JAVA -cp "$CP" dev.bantam.cli.Main "$@"; }
synth() {  # synth PRESET TYPE → /tmp/models/PRESET-TYPE.gguf; TYPE q4_k_m / q5_k_m: the F16 synth quantized to llama.cpp's _M mix
  [[ -f /tmp/models/$1-$2.gguf ]] && return
  if [[ $2 == *_m ]]; then
    synth "$1" f16
    bantam quantize -t 16 /tmp/models/"$1"-f16.gguf /tmp/models/"$1-$2".gguf "${2%_m}" >/dev/null
  else
    bantam synth --preset "$1" --type "$2" -t 16 /tmp/models/"$1-$2".gguf >/dev/null
  fi
}
for step in "$@"; do
  echo "=== $step $(date +%T)"
  case $step in
    info)
      nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.mem --format=csv
      ldconfig -p | grep -E 'libcuda.so|libcublas.so|libnvrtc.so' | head
      bantam backends ;;
    tests)
      timeout ${TESTS_TIMEOUT:-560} $JAVA -cp "$CP" dev.bantam.cuda.GpuTestMain 2>&1 | grep -v '^WARNING' | tee "$out/gpu-tests.log" ;;
    cli)
      for b in cuda cpu; do bantam generate --backend $b -m cli/src/main/resources/models/austen-llama-7m-q8_0.gguf -p "It is a truth universally acknowledged" -n 48 --temp 0; done
      for m in austen-llama-7m austen-gpt2-7m; do
        for b in cuda cpu; do echo "$m $b"; bantam perplexity --backend $b -m cli/src/main/resources/models/$m-q8_0.gguf -f fixtures/corpus/persuasion.txt -c 256 2>&1 | tr '\r' '\n' | grep -E '^PPL =|scored'; done
      done ;;
    serve)  # bantam serve --backend cuda with 8 slots, 12 concurrent chat requests through curl
      $JAVA -cp "$CP" dev.bantam.cli.Main serve --backend cuda -np 8 --port 8123 -m cli/src/main/resources/models/austen-llama-7m-q8_0.gguf > "$out/serve.log" 2>&1 &
      server=$!
      t0=$SECONDS
      for _ in $(seq 180); do curl -sf localhost:8123/health > /dev/null && break; sleep 1; done
      echo "serve: /health ok after $((SECONDS - t0)) s"
      seq 12 | xargs -P 12 -I{} curl -s localhost:8123/v1/chat/completions -H 'Content-Type: application/json' \
          -d '{"messages":[{"role":"user","content":"Tell me about Emma, chapter {}."}],"max_tokens":64,"temperature":0}' -o "$out/serve-{}.json"
      for i in $(seq 12); do python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print(sys.argv[2], r.get('usage') or r, repr(r['choices'][0]['message']['content'][:60]) if 'choices' in r else '')" "$out/serve-$i.json" "$i"; done
      rm -f "$out"/serve-*.json
      curl -s localhost:8123/metrics | grep -iE "batch|step" | head -6
      kill "$server"; wait "$server" 2>/dev/null
      grep -v '^WARNING' "$out/serve.log" | tail -5 ;;
    models)  # only make the synth files of SPECS (for ab.sh)
      for spec in ${SPECS:-gpt2-124m:f16 llama-1b:bf16 llama-1b:q8_0 llama-1b:q4_0}; do synth "${spec%%:*}" "${spec##*:}"; done ;;
    speed)
      for spec in ${SPECS:-gpt2-124m:f16 llama-1b:bf16 llama-1b:q8_0 llama-1b:q4_0}; do
        synth "${spec%%:*}" "${spec##*:}"
        $JAVA -cp "$CP" dev.bantam.cuda.CudaSpeed /tmp/models/"${spec%%:*}-${spec##*:}".gguf ${BATCHES:-1,4} 512 128 3 2>&1 | grep -v '^WARNING' | tee -a "$out/speed.log"
      done ;;
    check)  # CHECK_SPECS: which synth files, each against the CPU backend; CHECK_BATCH: sequences (2)
      files=()
      for spec in ${CHECK_SPECS:-llama-1b:bf16 llama-1b:q4_0 gpt2-124m:f16}; do synth "${spec%%:*}" "${spec##*:}"; files+=(/tmp/models/"${spec%%:*}-${spec##*:}".gguf); done
      $JAVA -cp "$CP" dev.bantam.cuda.CudaSpeed --check ${CHECK_BATCH:-2} "${files[@]}" 2>&1 | grep -v '^WARNING' | tee -a "$out/check.log" ;;
    ncu)  # NCU_SPECS="llama-1b:bf16 llama-1b:q4_k_m": one profiled decode step (batch 1) of each
      for spec in ${NCU_SPECS:-llama-1b:bf16}; do
        name="${spec%%:*}-${spec##*:}"
        synth "${spec%%:*}" "${spec##*:}"
        ncu --profile-from-start off --clock-control none --cache-control none --metrics gpu__time_duration.sum --csv $JAVA -cp "$CP" dev.bantam.cuda.CudaSpeed --ncu-step /tmp/models/"$name".gguf 1 > "$out/ncu-$name.csv" 2>"$out/ncu-$name.err"
        echo "$name"; python3 .devcarry/ncu_summary.py "$out/ncu-$name.csv" | tee "$out/ncu-summary-$name.txt"
      done ;;
    bench)
      synth llama-1b bf16
      bantam bench --backend cuda -m /tmp/models/llama-1b-bf16.gguf -p 512 -n 128 -r 3 --warmup 1 2>/dev/null ;;
    hf)
      PYTHONUNBUFFERED=1 timeout ${HF_TIMEOUT:-400} python3 .devcarry/hf_speed.py ${HF_MODES:-} 2>&1 | tee "$out/hf.log" ;;
  esac
done
