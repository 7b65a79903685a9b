package dev.bantam.cli;

import dev.bantam.convert.Quantizer;
import dev.bantam.core.gguf.GgufFile;
import dev.bantam.core.gguf.GgufTensorInfo;
import dev.bantam.core.kernels.ThreadPool;
import dev.bantam.core.tensor.WeightType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

@Command(name = "quantize", mixinStandardHelpOptions = true,
        description = {"Convert a GGUF model's weights to another type. Norms and biases stay F32.",
                "By default the output matrix (and, for K-quants, attn_v/ffn_down of key layers) get Q6_K,",
                "as llama.cpp's _M mixes do; --pure gives every matrix TYPE."})
final class QuantizeCommand implements Callable<Integer> {
    private static final EnumSet<WeightType> SOURCES = EnumSet.of(WeightType.F32, WeightType.F16, WeightType.BF16);

    @Parameters(index = "0", paramLabel = "IN.gguf", description = "Model to convert (F32, F16 or BF16; Q8_0 too).")
    Path in;

    @Parameters(index = "1", paramLabel = "OUT.gguf", description = "File to write.")
    Path out;

    @Parameters(index = "2", paramLabel = "TYPE", description = "q8_0, q4_0, q4_1, q5_0, q5_1, q4_k, q5_k, q6_k, f16, bf16, f32.")
    String type;

    @Mixin
    ConversionFlags flags;

    @Option(names = "--allow-requantize", description = "Accept inputs quantized below 8 bits (quality suffers).")
    boolean allowRequantize;

    @Override
    public Integer call() throws Exception {
        WeightType target = WeightTypes.parse(type, "TYPE");
        if (!Files.exists(in)) throw new java.nio.file.NoSuchFileException(in.toString());
        if (in.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) throw new UsageException("OUT must differ from IN");
        OutputFile.checkWritable(out, flags.force);
        int n = flags.threads();
        try (GgufFile file = GgufFile.open(in); ThreadPool pool = new ThreadPool(n)) {
            for (GgufTensorInfo t : file.tensorInfos()) {
                if (t.shape().length > 1 && !SOURCES.contains(t.type()) && t.type() != WeightType.Q8_0 && !allowRequantize) {
                    throw new UsageException("%s: tensor %s is already %s; quantize from the F32/F16/BF16 original, or pass --allow-requantize"
                            .formatted(in.getFileName(), t.name(), t.type()));
                }
            }
            Quantizer plan = Quantizer.plan(file, target, flags.pure);
            System.err.println("quantize " + in.getFileName() + " -> " + out.getFileName() + ": " + summary(file, plan));
            try (ByteProgress progress = new ByteProgress("quantize")) {
                plan.write(file, out, pool, progress);
            }
        }
        OutputFile.reportWritten(out);
        return 0;
    }

    private static String summary(GgufFile file, Quantizer plan) {
        Map<WeightType, Integer> counts = new TreeMap<>();
        for (GgufTensorInfo t : file.tensorInfos()) counts.merge(plan.targetOf(t), 1, Integer::sum);
        StringBuilder sb = new StringBuilder();
        counts.forEach((t, c) -> sb.append(sb.isEmpty() ? "" : ", ").append(c).append(" × ").append(t.name().toLowerCase()));
        return sb.toString();
    }
}
