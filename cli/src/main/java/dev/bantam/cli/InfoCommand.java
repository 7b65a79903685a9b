package dev.bantam.cli;

import dev.bantam.core.format.ModelFormatException;
import dev.bantam.core.gguf.GgufFile;
import dev.bantam.core.gguf.GgufTensorInfo;
import dev.bantam.core.gguf.GgufValue;
import dev.bantam.core.model.ModelConfig;
import dev.bantam.core.model.ModelFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Describe a GGUF file: architecture, dimensions, tokenizer, metadata and a tensor table.")
final class InfoCommand implements Callable<Integer> {
    @Mixin
    ModelOption modelOption;

    @Override
    public Integer call() throws Exception {
        try (ModelFile model = ModelFile.open(modelOption.resolve())) {
            GgufFile f = model.gguf();
            var m = f.metadata();
            var out = System.out;
            out.printf("file:          %s (%,d bytes, GGUF v%d, alignment %d)%n", f.path(), f.fileSize(), f.version(), f.alignment());
            String arch = m.optString("general.architecture").orElse("?");
            out.printf("architecture:  %s%s%n", arch, m.optString("general.name").map(n -> " (" + n + ")").orElse(""));
            try {
                ModelConfig c = model.config();
                out.printf("dimensions:    d_model %d, layers %d, heads %d (kv %d, head size %d), ffn %d, vocab %d, context %d%n",
                        c.dim(), c.layers(), c.heads(), c.kvHeads(), c.headDim(), c.ffnDim(), c.vocabSize(), c.contextLength());
                if (c.arch().usesRope()) out.printf("positions:     RoPE %s, theta %.0f, %d dims%n", c.arch().positions(), c.ropeTheta(), c.ropeDims());
                out.printf("norm:          %s, eps %.1e; activation %s%n", c.arch().norm(), c.normEps(), c.arch().activation());
                if (c.windowed()) {
                    long local = c.plan().stream().filter(p -> p.window() > 0).count();
                    out.printf("attention:     sliding window %d on %d of %d layers%n", c.slidingWindow(), local, c.layers());
                }
                if (f.hasTensor(dev.bantam.core.model.Weights.ROPE_FREQS)) out.println("rope scaling:  per-frequency divisors (rope_freqs.weight)");
            } catch (dev.bantam.core.model.UnsupportedModelException e) {
                // an architecture Bantam cannot run still gets its metadata shown; a malformed
                // value of a required key is an error of the file (exit 1), not "unavailable"
                out.println("dimensions:    unavailable (" + ErrorHandling.oneLine(e.getMessage()) + ")");
            }
            out.printf("tokenizer:     %s, pre-tokenizer %s, %d tokens%n",
                    m.optString("tokenizer.ggml.model").orElse("none"), m.optString("tokenizer.ggml.pre").orElse("default"),
                    m.optStringArray("tokenizer.ggml.tokens").map(t -> t.length).orElse(0));
            long params = f.tensorInfos().stream().mapToLong(GgufTensorInfo::elements).sum();
            out.printf("parameters:    %,d; weight types: %s%n", params, typeCounts(f));

            out.printf("%nmetadata (%d keys):%n", m.asMap().size());
            for (Map.Entry<String, GgufValue> kv : m.asMap().entrySet()) {
                out.printf("  %-42s %-8s %s%n", ModelFormatException.quote(kv.getKey()), kv.getValue().type().name().toLowerCase(), kv.getValue().display());
            }
            out.printf("%ntensors (%d):%n", f.tensorInfos().size());
            out.printf("  %4s  %-36s %-6s %-22s %12s%n", "#", "name", "type", "shape", "bytes");
            int i = 0;
            for (GgufTensorInfo t : f.tensorInfos()) {
                out.printf("  %4d  %-36s %-6s %-22s %,12d%n", i++, ModelFormatException.quote(t.name()), t.type(), Arrays.toString(t.shape()), t.byteSize());
            }
        }
        return 0;
    }

    private static String typeCounts(GgufFile f) {
        Map<String, Long> counts = f.tensorInfos().stream()
                .collect(Collectors.groupingBy(t -> t.type().name(), TreeMap::new, Collectors.counting()));
        return counts.entrySet().stream().map(e -> e.getKey() + " ×" + e.getValue()).collect(Collectors.joining(", "));
    }
}
