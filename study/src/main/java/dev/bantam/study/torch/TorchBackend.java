package dev.bantam.study.torch;

import dev.bantam.convert.hf.HfDtype;
import dev.bantam.core.backend.InferenceBackend;
import dev.bantam.core.backend.InferenceSession;
import dev.bantam.core.backend.ModelSource;
import dev.bantam.core.backend.SessionOptions;
import dev.bantam.core.gguf.GgufFile;
import dev.bantam.core.model.ModelConfig;
import dev.bantam.core.tokenizer.Tokenizer;
import dev.bantam.core.tokenizer.Tokenizers;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Set;

/**
 * PyTorch with Hugging Face transformers as a Bantam backend: {@code torch} (eager, the default
 * dynamic cache) and {@code torch-compiled} (static cache, decode step through torch.compile).
 * A GGUF model is exported to a Hugging Face directory on first use ({@link HfModelCache}) at the
 * dtype of backend option {@value #PRECISION} ({@code f32} by default, {@code f16}, {@code bf16}),
 * and a Python worker (a jar resource, {@code bantam_torch_worker.py}) loads it with
 * {@code AutoModelForCausalLM} on CUDA when torch sees a GPU, else on the CPU.
 *
 * <p>System property {@code bantam.torch.worker} names another worker script speaking the same
 * protocol (the test suite's stub, which replays recorded logits); the backend then needs only
 * Python, and its {@link #version()} says that it is not PyTorch.
 */
public abstract sealed class TorchBackend implements InferenceBackend permits TorchBackend.Eager, TorchBackend.Compiled {
    /** Backend option: the dtype the model is exported at and runs in. */
    public static final String PRECISION = "precision";
    /** Backend option: {@code auto} (CUDA when torch sees a GPU), {@code cuda} or {@code cpu}. */
    public static final String DEVICE = "device";
    static final String WORKER_PROPERTY = "bantam.torch.worker";
    static final String WORKER_RESOURCE = "bantam_torch_worker.py";

    private final String id;
    private final boolean compiled;

    private TorchBackend(String id, boolean compiled) {
        this.id = id;
        this.compiled = compiled;
    }

    public static final class Eager extends TorchBackend {
        public static final String ID = "torch";
        public Eager() { super(ID, false); }
    }

    public static final class Compiled extends TorchBackend {
        public static final String ID = "torch-compiled";
        public Compiled() { super(ID, true); }
    }

    @Override
    public String id() { return id; }

    @Override
    public Set<String> backendOptions() { return Set.of(PRECISION, DEVICE); }

    @Override
    public Availability availability() {
        PythonProbe p = PythonProbe.get();
        if (stubWorker() != null) return p.hasPython() ? Availability.yes() : Availability.no(p.problem());
        return p.ready() ? Availability.yes() : Availability.no(p.problem());
    }

    @Override
    public String version() {
        Path stub = stubWorker();
        if (stub != null) return "STUB worker " + stub.getFileName() + " (replays recorded logits; not PyTorch), python " + PythonProbe.get().pythonVersion();
        return PythonProbe.get().versions() + (compiled ? ", torch.compile" : ", eager");
    }

    private static Path stubWorker() {
        String w = System.getProperty(WORKER_PROPERTY);
        return w == null || w.isBlank() ? null : Path.of(w);
    }

    /** The dtypes a session can run at. */
    public static HfDtype dtype(String precision) {
        return HfDtype.parse(precision);
    }

    @Override
    public InferenceSession open(ModelSource model, SessionOptions options) throws IOException {
        if (!model.isGguf()) throw new IllegalArgumentException(model.fileName() + ": the torch backends open GGUF files (exported to Hugging Face on first use)");
        var availability = availability();
        if (!availability.available()) throw new IllegalStateException(id + " is not available: " + availability.reason());
        HfDtype dtype = dtype(options.backendOption(PRECISION).orElse("f32"));
        String device = options.backendOption(DEVICE).orElse("auto");
        if (!Set.of("auto", "cuda", "cpu").contains(device)) throw new IllegalArgumentException("device '" + device + "' (expected auto, cuda or cpu)");
        Tokenizer tokenizer;
        int context;
        try (GgufFile file = GgufFile.open(model.path())) {
            tokenizer = Tokenizers.fromGguf(file.metadata(), model.fileName());
            context = options.contextFor(ModelConfig.from(model.fileName(), file.metadata(), tokenizer.vocabSize()).contextLength());
        }
        Path dir = HfModelCache.defaultCache().get(model.path(), dtype);
        Path workerDir = extractWorker();
        Path script = stubWorker() != null ? stubWorker() : workerDir.resolve(WORKER_RESOURCE);
        TorchWorker worker = TorchWorker.start(PythonProbe.get().executable(), script, workerDir);
        try {
            var open = TorchWorker.request("open").put("model_dir", dir.toAbsolutePath().toString()).put("dtype", dtype.id())
                    .put("device", device).put("compiled", compiled).put("max_batch", options.maxBatch())
                    .put("max_len", context).put("threads", options.threads());
            var reply = worker.call(open);
            return new TorchSession(worker, reply.header(), tokenizer, context);
        } catch (RuntimeException e) {
            worker.close();
            throw e;
        }
    }

    /** The worker script, copied out of the jar once per content (a directory named by its hash), since Python cannot read a jar. */
    static synchronized Path extractWorker() throws IOException {
        byte[] script;
        try (InputStream in = TorchBackend.class.getResourceAsStream(WORKER_RESOURCE)) {
            if (in == null) throw new IOException(WORKER_RESOURCE + " is missing from the jar");
            script = in.readAllBytes();
        }
        String hash;
        try {
            hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(script)).substring(0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "bantam-torch-worker-" + hash);
        Path target = dir.resolve(WORKER_RESOURCE);
        if (Files.isRegularFile(target) && Files.size(target) == script.length) return dir;
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "worker-", ".part");
        Files.write(tmp, script);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return dir;
    }
}
