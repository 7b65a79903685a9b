package dev.bantam.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import dev.bantam.core.backend.InferenceBackend;
import dev.bantam.core.backend.InferenceSession;
import dev.bantam.core.backend.ModelSource;
import dev.bantam.core.backend.SessionOptions;
import dev.bantam.onnx.OnnxExporter.Precision;

import java.io.IOException;
import java.util.EnumSet;
import java.util.Set;

/**
 * ONNX Runtime as a Bantam backend: {@code onnx-cpu}, and {@code onnx-cuda} / {@code onnx-tensorrt}
 * when the ONNX Runtime on the class path has those execution providers (the
 * {@code onnxruntime_gpu} artifact, Maven profile {@code -P onnx-gpu}). A {@code .onnx} file runs
 * as it is; a GGUF file is exported first ({@link OnnxModelCache}), at the precision in the
 * session's backend option {@value #PRECISION} (fp32 by default).
 */
public abstract sealed class OnnxBackend implements InferenceBackend permits OnnxBackend.Cpu, OnnxBackend.Cuda, OnnxBackend.TensorRt {
    /** Backend option: export precision for GGUF sources, {@code fp32} (default), {@code fp16} or {@code int8}. */
    public static final String PRECISION = "precision";

    private final String id;
    private final OrtProvider provider;
    private final OnnxModelCache cache;

    private OnnxBackend(String id, OrtProvider provider, OnnxModelCache cache) {
        this.id = id;
        this.provider = provider;
        this.cache = cache == null ? OnnxModelCache.defaultCache() : cache;
    }

    /** ONNX Runtime's default CPU execution provider. */
    public static final class Cpu extends OnnxBackend {
        public static final String ID = "onnx-cpu";
        public Cpu() { this(null); }
        /** With a cache directory of its own for exported GGUF models (tests). */
        public Cpu(OnnxModelCache cache) { super(ID, OrtProvider.CPU, cache); }
    }

    /** ONNX Runtime's CUDA execution provider on GPU 0. */
    public static final class Cuda extends OnnxBackend {
        public static final String ID = "onnx-cuda";
        public Cuda() { this(null); }
        public Cuda(OnnxModelCache cache) { super(ID, OrtProvider.CUDA, cache); }
    }

    /** ONNX Runtime's TensorRT execution provider on GPU 0, with CUDA for what TensorRT does not take. */
    public static final class TensorRt extends OnnxBackend {
        public static final String ID = "onnx-tensorrt";
        public TensorRt() { this(null); }
        public TensorRt(OnnxModelCache cache) { super(ID, OrtProvider.TENSOR_RT, cache); }
    }

    @Override
    public String id() { return id; }

    @Override
    public Set<String> backendOptions() { return Set.of(PRECISION); }

    @Override
    public String version() {
        try {
            return "onnxruntime " + OrtEnvironment.getEnvironment().getVersion();
        } catch (RuntimeException | LinkageError e) {
            return "onnxruntime (not loadable: " + e.getMessage() + ")";
        }
    }

    @Override
    public Availability availability() {
        EnumSet<OrtProvider> providers;
        try {
            providers = OrtEnvironment.getAvailableProviders();
        } catch (RuntimeException | LinkageError e) {
            return Availability.no("the ONNX Runtime native library did not load: " + e.getMessage());
        }
        if (providers.contains(provider)) return Availability.yes();
        String name = provider == OrtProvider.TENSOR_RT ? "TensorRT" : provider == OrtProvider.CUDA ? "CUDA" : provider.getName();
        return Availability.no("ONNX Runtime on the class path has no %s execution provider; build with -P onnx-gpu on a machine with CUDA%s"
                .formatted(name, provider == OrtProvider.TENSOR_RT ? " and TensorRT" : ""));
    }

    @Override
    public InferenceSession open(ModelSource source, SessionOptions options) throws IOException {
        Precision precision = options.backendOption(PRECISION).map(Precision::parse).orElse(null);
        var model = source.path();
        if (source.isGguf()) {
            model = cache.get(source.path(), precision == null ? Precision.FP32 : precision);
        } else if (!source.fileName().toLowerCase(java.util.Locale.ROOT).endsWith(".onnx")) {
            throw new IllegalArgumentException(source.fileName() + ": the " + id + " backend runs .onnx files and GGUF files (exported on first use)");
        }
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        try {
            so.setIntraOpNumThreads(options.threads());
            so.setInterOpNumThreads(1);
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            switch (provider) {
                case CUDA -> so.addCUDA(0);
                case TENSOR_RT -> {
                    so.addTensorrt(0);
                    so.addCUDA(0);
                }
                default -> {}
            }
            OnnxGraphCheck.check(model); // before the runtime sees it: some malformed graphs crash it
            OrtSession session = OrtEnvironment.getEnvironment().createSession(model.toString(), so);
            try {
                return new OnnxSession(session, source, model, options, precision);
            } catch (RuntimeException | IOException | OrtException e) {
                session.close();
                throw e;
            }
        } catch (OrtException e) {
            throw new IOException(model.getFileName() + ": ONNX Runtime (" + id + ") could not load it: " + e.getMessage(), e);
        } finally {
            so.close();
        }
    }
}
