package dev.bantam.cli;

import dev.bantam.core.cpu.CpuBackend;
import dev.bantam.core.backend.InferenceBackend;
import dev.bantam.core.backend.InferenceSession;
import dev.bantam.core.backend.ModelSource;
import dev.bantam.core.backend.SessionOptions;
import dev.bantam.onnx.OnnxBackend;
import dev.bantam.onnx.OnnxExporter;
import dev.bantam.study.torch.TorchBackend;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.util.stream.Collectors;

/** {@code --backend ID} plus the model and thread options: opens an inference session on the chosen backend. */
public final class BackendOption {
    @Mixin
    ModelOption modelOption;

    @Option(names = "--backend", paramLabel = "ID", defaultValue = CpuBackend.ID,
            description = "Inference backend: cpu (default) or another one on the class path (see 'bantam backends').")
    String backend;

    @Option(names = "--precision", paramLabel = "P",
            description = {"For the onnx-* backends with a GGUF model: the precision it is exported at on first use, fp32 (default), fp16 or int8.",
                    "For torch and torch-compiled: the dtype of the exported Hugging Face model, f32 (default), f16 or bf16."})
    String precision;

    @Option(names = "--kv-type", paramLabel = "T",
            description = "For --backend cuda: the KV cache's element type, f32 (default) or f16 (half the memory; logits within the same accuracy gates).")
    String kvType;

    InferenceBackend backend() {
        InferenceBackend b = InferenceBackend.byId(backend).orElseThrow(() -> new UsageException(
                "--backend: unknown backend '%s' (known: %s)".formatted(backend,
                        InferenceBackend.all().stream().map(InferenceBackend::id).collect(Collectors.joining(", ")))));
        var availability = b.availability();
        if (!availability.available()) throw new UsageException("--backend " + backend + " is not available here: " + availability.reason());
        return b;
    }

    /** Opens a session with {@code contextSize} positions (0 = the model's context length). */
    InferenceSession open(int contextSize) throws IOException {
        InferenceBackend b = backend();
        int threads = modelOption.threads();
        var source = new ModelSource(modelOption.resolve());
        TextModels.requireOutputLayer(source.path());
        SessionOptions options = withKvType(b, SessionOptions.of(threads, contextSize));
        if (precision != null) {
            if (!b.backendOptions().contains(OnnxBackend.PRECISION)) {
                throw new UsageException("--precision applies to the onnx-* backends, not to --backend " + b.id() + " (and to torch, torch-compiled: f32, f16, bf16)");
            }
            try {
                String value = b instanceof TorchBackend ? TorchBackend.dtype(precision).id()
                        : OnnxExporter.Precision.parse(precision).name().toLowerCase(java.util.Locale.ROOT);
                options = options.withBackendOption(OnnxBackend.PRECISION, value);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--precision: " + e.getMessage());
            }
        }
        Progress.status("loading " + source.fileName() + " on " + b.id());
        try {
            return b.open(source, options);
        } finally {
            Progress.done();
        }
    }

    /** {@code options} with {@code --kv-type} where it was given: refused for a backend that does not list the option. */
    SessionOptions withKvType(InferenceBackend b, SessionOptions options) {
        if (kvType == null) return options;
        if (!b.backendOptions().contains(SessionOptions.KV_TYPE)) {
            throw new UsageException("--kv-type applies to --backend cuda, not to --backend " + b.id() + " (its KV cache is f32)");
        }
        if (!kvType.equals("f16") && !kvType.equals("f32")) throw new UsageException("--kv-type: expected f16 or f32, got '" + kvType + "'");
        return options.withBackendOption(SessionOptions.KV_TYPE, kvType);
    }

    int threads() {
        return modelOption.threads();
    }
}
