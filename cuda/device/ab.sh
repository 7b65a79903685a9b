#!/usr/bin/env bash
# Same machine, one after the other, alternating: CudaSpeed on each synth file of AB_MODELS (made
# by `gpu-run.sh models` or `speed`) under each variant of AB_VARIANTS, AB_ROUNDS times.
# AB_VARIANTS: ';'-separated JVM option sets; the word `old` puts an earlier commit's cuda jar
# (AB_OLD_JAR, default .devcarry/old/bantam-cuda-old.jar) first on the class path (its classes
# and kernels win over the bundle's), e.g.
#   AB_VARIANTS="-Dbantam.cuda.ptx=75;-Dbantam.cuda.pdl=false;" (an empty set: the defaults).
# The old jar: git worktree add /tmp/old COMMIT; (cd /tmp/old && mvn -o -pl cuda -am package -DskipTests);
# cp /tmp/old/cuda/target/bantam-cuda-*.jar .devcarry/old/bantam-cuda-old.jar.
out=${OUT:-/tmp/bantam-out}
JAVA="/tmp/bantam-jre/bin/java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx24g"
CP=$(ls .devcarry/lib/*.jar | tr '\n' ':')
IFS=';' read -ra variants <<< "${AB_VARIANTS:-old;}"
[[ ${AB_VARIANTS:-old;} == *';' ]] && variants+=("")  # read drops a trailing empty field
for round in $(seq 1 "${AB_ROUNDS:-1}"); do
  for m in ${AB_MODELS:-llama-1b-bf16 llama-1b-q4_k_m llama-1b-q8_0}; do
    for v in "${variants[@]}"; do
      cp_v=$CP opts=$v
      if [[ $v == old* ]]; then cp_v="${AB_OLD_JAR:-.devcarry/old/bantam-cuda-old.jar}:$CP"; opts=${v#old}; fi
      echo "## round $round $m [${v:-defaults}]" | tee -a "$out/ab.log"
      $JAVA $opts -cp "$cp_v" dev.bantam.cuda.CudaSpeed /tmp/models/$m.gguf ${AB_BATCHES:-1,4} 512 128 3 2>&1 | grep -E "decode|prefill|kernels:" | tee -a "$out/ab.log"
    done
  done
done
