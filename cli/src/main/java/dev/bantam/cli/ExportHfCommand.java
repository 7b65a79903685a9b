package dev.bantam.cli;

import dev.bantam.convert.hf.HfDtype;
import dev.bantam.convert.hf.HfExporter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "export-hf", mixinStandardHelpOptions = true,
        description = {"Export a GGUF model (llama, mistral, qwen2, gpt2) to a Hugging Face model directory:",
                "config.json, model.safetensors, tokenizer.json and tokenizer_config.json (from the GGUF vocabulary).",
                "Quantized weights are dequantized; llama/mistral q/k rows are permuted back to Hugging Face's order,",
                "GPT-2's Conv1D weights transposed back. transformers' AutoModelForCausalLM loads the result."})
final class ExportHfCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "GGUF file or embedded model name.")
    String model;

    @Parameters(index = "1", paramLabel = "DIR", description = "Directory to write (must not exist or be empty, unless --force).")
    Path dir;

    @Option(names = "--dtype", paramLabel = "T", defaultValue = "f32",
            description = "Type of the safetensors weights: f32, f16 or bf16 (rounded to nearest even from float32). Default: ${DEFAULT-VALUE}.")
    String dtype;

    @Option(names = "--force", description = "Replace DIR if it exists.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        HfDtype type;
        try {
            type = HfDtype.parse(dtype);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--dtype: " + e.getMessage());
        }
        Path in = ModelOption.resolve(model);
        if (Files.isRegularFile(dir)) throw new UsageException(dir + ": is a file, expected a directory");
        if (Files.isDirectory(dir) && !force) {
            try (var s = Files.list(dir)) {
                if (s.findAny().isPresent()) throw new UsageException(dir + ": already exists and is not empty (use --force to replace it)");
            }
        }
        Progress.status("export-hf " + in.getFileName() + " -> " + dir + " (" + type.id() + ")");
        HfExporter.Result r;
        try {
            r = HfExporter.export(in, dir, type, true);
        } finally {
            Progress.done();
        }
        System.err.printf("wrote %s: %s, %d tensors, model.safetensors %,d bytes (%s)%s%n", r.dir(), r.architecture(), r.tensors(),
                r.safetensorsBytes(), type.id(), r.tokenizer() ? ", tokenizer.json" : ", no tokenizer (the GGUF file has no vocabulary)");
        return 0;
    }
}
