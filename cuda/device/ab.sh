#!/usr/bin/env bash
# Same machine, one after the other: the cuda module of commit 91a8bfc (its jar first on the class
# path, so its classes and kernels win over the bundle's) and this build, on the synth models speed made.
# The old jar: git worktree add /tmp/old 91a8bfc; (cd /tmp/old && mvn -o -pl cuda -am package -DskipTests);
# cp /tmp/old/cuda/target/bantam-cuda-*.jar .devcarry/old/bantam-cuda-91a8bfc.jar. AB_MODELS: which /tmp/models files.
out=${OUT:-/tmp/bantam-out}
JAVA="/tmp/bantam-jre/bin/java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx24g"
CP=$(ls .devcarry/lib/*.jar | tr '\n' ':')
for m in ${AB_MODELS:-llama-1b-bf16 llama-1b-q4_k_m llama-1b-q8_0}; do
  for v in old new; do
    cp_v=$CP; [[ $v == old ]] && cp_v=".devcarry/old/bantam-cuda-91a8bfc.jar:$CP"
    echo "## $v $m"; $JAVA -cp "$cp_v" dev.bantam.cuda.CudaSpeed /tmp/models/$m.gguf 1,4 512 128 3 2>&1 | grep -E "decode" | tee -a "$out/ab.log"
  done
done
