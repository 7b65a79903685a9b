package dev.bantam.cli;

import dev.bantam.convert.hf.HfConverter;
import dev.bantam.core.kernels.ThreadPool;
import dev.bantam.core.tensor.WeightType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "convert", mixinStandardHelpOptions = true,
        description = {"Convert a Hugging Face model directory (config.json, model.safetensors or its shards with",
                "model.safetensors.index.json, tokenizer.json, tokenizer_config.json) to a GGUF file with llama.cpp's",
                "keys and tensor names: LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM, Qwen3ForCausalLM,",
                "Gemma3ForCausalLM, Gemma3ForConditionalGeneration (text part), Phi3ForCausalLM, GPT2LMHeadModel.",
                "Quantizes on the way with --type, as 'bantam quantize' does."})
final class ConvertCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "HF_DIR", description = "The model directory.")
    Path in;

    @Parameters(index = "1", paramLabel = "OUT.gguf", description = "File to write.")
    Path out;

    @Option(names = "--type", paramLabel = "TYPE",
            description = "Matrix type: f32, f16, bf16, q8_0, q4_0, q4_1, q5_0, q5_1, q4_k, q5_k, q6_k (default: the checkpoint's own, f32/f16/bf16).")
    String type;

    @Mixin
    ConversionFlags flags;

    @Option(names = "--vocab-only", description = "Write only the tokenizer (and, with a config.json, the architecture's keys).")
    boolean vocabOnly;

    @Override
    public Integer call() throws Exception {
        WeightType target = type == null ? null : WeightTypes.parse(type, "--type");
        int n = flags.threads();
        if (!Files.isDirectory(in)) throw new UsageException(in + ": expected a Hugging Face model directory (config.json, model.safetensors, tokenizer.json)");
        OutputFile.checkWritable(out, flags.force);
        try (HfConverter plan = HfConverter.plan(in, new HfConverter.Options(target, flags.pure, vocabOnly)); ThreadPool pool = new ThreadPool(n)) {
            System.err.printf("convert %s (%s -> %s): %s%n", in, plan.hfClass().isEmpty() ? "tokenizer" : plan.hfClass(),
                    plan.arch().isEmpty() ? "vocabulary" : plan.arch(), plan.summary());
            try (ByteProgress progress = new ByteProgress("convert")) {
                plan.write(out, flags.force, pool, progress);
            }
        }
        OutputFile.reportWritten(out);
        return 0;
    }
}
