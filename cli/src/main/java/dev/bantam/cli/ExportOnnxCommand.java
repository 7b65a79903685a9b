package dev.bantam.cli;

import dev.bantam.onnx.OnnxExporter;
import dev.bantam.onnx.OnnxExporter.Options;
import dev.bantam.onnx.OnnxExporter.Precision;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "export-onnx", mixinStandardHelpOptions = true,
        description = {"Export a GGUF model (llama, mistral, qwen2, gpt2) to an ONNX graph of standard operators.",
                "Quantized weights are dequantized on the way. Inputs: input_ids, attention_mask, position_ids",
                "[, past_key_values.{i}.key|value]; outputs: logits [, present.{i}.key|value] (README.md has the shapes).",
                "Weights over 2 GB go to OUT.onnx.data (external data)."})
final class ExportOnnxCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL.gguf", description = "Model to export.")
    Path in;

    @Parameters(index = "1", paramLabel = "OUT.onnx", description = "File to write.")
    Path out;

    @Option(names = "--precision", paramLabel = "P", defaultValue = "fp32",
            description = "fp32, fp16 (float16 weights and matmuls, float32 norms/softmax/logits) or int8 "
                    + "(dynamic quantization: int8 weights per output channel, DynamicQuantizeLinear + MatMulInteger). Default: ${DEFAULT-VALUE}.")
    String precision;

    @Option(names = "--no-kv-cache", description = "Only input_ids, attention_mask, position_ids → logits (no past/present).")
    boolean noKvCache;

    @Option(names = "--opset", paramLabel = "N", defaultValue = "" + OnnxExporter.DEFAULT_OPSET,
            description = "ONNX opset, " + OnnxExporter.MIN_OPSET + " to " + OnnxExporter.MAX_OPSET + ". Default: ${DEFAULT-VALUE}.")
    int opset;

    @Option(names = "--force", description = "Overwrite OUT (and OUT.data) if it exists.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        Precision p;
        try {
            p = Precision.parse(precision);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--precision: " + e.getMessage());
        }
        if (opset < OnnxExporter.MIN_OPSET || opset > OnnxExporter.MAX_OPSET) {
            throw new UsageException("--opset %d is not supported (expected %d to %d)".formatted(opset, OnnxExporter.MIN_OPSET, OnnxExporter.MAX_OPSET));
        }
        if (!Files.exists(in)) throw new java.nio.file.NoSuchFileException(in.toString());
        if (in.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) throw new UsageException("OUT must differ from MODEL");
        TextModels.requireOutputLayer(in);
        OutputFile.checkWritable(out, force);
        OutputFile.checkWritable(out.resolveSibling(out.getFileName() + ".data"), force);
        Options options = Options.defaults().withPrecision(p).withKvCache(!noKvCache).withOpset(opset);
        System.err.printf("export-onnx %s -> %s: %s, opset %d, %s%n", in.getFileName(), out.getFileName(),
                p.name().toLowerCase(), opset, noKvCache ? "no KV cache" : "with KV cache");
        OnnxExporter.Result r;
        try (ByteProgress progress = new ByteProgress("export-onnx")) {
            r = OnnxExporter.export(in, out, options, progress);
        }
        System.err.printf("wrote %s (%,d bytes)%s: %s, %d layers, vocab %d%n", out, Files.size(out),
                r.externalData() == null ? "" : " and %s (%,d bytes)".formatted(r.externalData(), Files.size(r.externalData())),
                r.config().arch().name(), r.layers(), r.config().vocabSize());
        return 0;
    }
}
