package dev.bantam.cuda;

import dev.bantam.core.backend.ModelSource;
import dev.bantam.core.backend.SessionOptions;
import dev.bantam.core.generate.Sampler;
import dev.bantam.core.gguf.GgufFile;
import dev.bantam.core.gguf.GgufTensorInfo;
import dev.bantam.core.model.ModelConfig;
import dev.bantam.cuda.ffi.CudaDriver;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The closing measurement of the CUDA backend on one GPU: device copy bandwidth, then for a model
 * and each batch size, prefill and decode tok/s (median of repetitions, random tokens), decode as a
 * percentage of the memory roofline, and the kernel-time breakdown of one decode step.
 *
 * <pre>java -cp ... dev.bantam.cuda.CudaSpeed MODEL.gguf [batches=1,4] [prompt=512] [gen=128] [reps=3]</pre>
 */
public final class CudaSpeed {
    private CudaSpeed() {}

    public static void main(String[] args) throws Exception {
        if (args[0].equals("--check")) {  // --check [BATCH] MODEL...
            boolean sized = args.length > 2 && args[1].matches("\\d+");
            int batch = sized ? Integer.parseInt(args[1]) : 2;
            for (int i = sized ? 2 : 1; i < args.length; i++) check(Path.of(args[i]), 24, batch);
            return;
        }
        if (args[0].equals("--ncu-prefill")) {  // --ncu-prefill MODEL ROWS
            ncuPrefill(Path.of(args[1]), Integer.parseInt(args[2]));
            return;
        }
        if (args[0].equals("--ncu-step")) {
            ncuStep(Path.of(args[1]), Integer.parseInt(args[2]), 512, 128);
            return;
        }
        Path model = Path.of(args[0]);
        int[] batches = Arrays.stream((args.length > 1 ? args[1] : "1,4").split(",")).mapToInt(Integer::parseInt).toArray();
        int prompt = args.length > 2 ? Integer.parseInt(args[2]) : 512;
        int gen = args.length > 3 ? Integer.parseInt(args[3]) : 128;
        int reps = args.length > 4 ? Integer.parseInt(args[4]) : 3;
        double bandwidth = copyBandwidth();
        System.out.printf("device copy bandwidth (cuMemcpyDtoD 2 GiB, read + write): %.0f GB/s%n", bandwidth / 1e9);
        for (int batch : batches) measure(model, batch, prompt, gen, reps, bandwidth);
    }

    static double copyBandwidth() {
        CudaDriver cu = CudaDriver.load();
        try (Gpu gpu = new Gpu(cu, 0)) {
            long bytes = 2L << 30;
            long a = gpu.alloc(bytes), b = gpu.alloc(bytes);
            cu.memset(a, (byte) 1, bytes);
            double best = 0;
            for (int i = 0; i < 6; i++) {
                MemorySegment s = cu.createEvent(), e = cu.createEvent();
                cu.record(s, MemorySegment.NULL);
                cu.copyOnDevice(b, a, bytes);
                cu.record(e, MemorySegment.NULL);
                cu.synchronizeEvent(e);
                best = Math.max(best, 2.0 * bytes / (cu.elapsedMs(s, e) / 1e3));
                cu.destroyEvent(s);
                cu.destroyEvent(e);
            }
            return best;
        }
    }

    /**
     * The KV cache's element type of every session here: {@code -Dbantam.cuda.kvType=f16|f32} (default f32), what
     * the CLI's {@code --kv-type} sets.
     */
    static final String KV_TYPE = System.getProperty("bantam.cuda.kvType", "f32");

    static SessionOptions options(int context, int batch) {
        return new SessionOptions(1, context, batch).withBackendOption(SessionOptions.KV_TYPE, KV_TYPE);
    }

    /** Bytes a decode step must read: every matrix once (one row of an untied token embedding), plus the KV cache attended. */
    static double bytesPerStep(GgufFile f, ModelConfig c, int batch, double avgPositions) {
        boolean tied = !f.hasTensor("output.weight");
        double weights = 0;
        for (GgufTensorInfo t : f.tensorInfos()) {
            if (t.name().equals("token_embd.weight") && !tied) continue;
            weights += t.byteSize();
        }
        return weights + batch * avgPositions * c.layers() * 2.0 * c.kvDim() * (KV_TYPE.equals("f16") ? 2 : 4);
    }

    static void measure(Path model, int batch, int prompt, int gen, int reps, double bandwidth) throws Exception {
        try (CudaSession s = (CudaSession) new CudaBackend().open(new ModelSource(model), options(prompt + gen + 1, batch))) {
            // the session's own file: its tensor table gives the roofline's bytes, without a second open
            GgufFile f = s.modelFile().gguf();
            ModelConfig c = s.modelFile().config();
            Random r = new Random(1234);
            int[][] prompts = new int[batch][prompt];
            for (int[] p : prompts) for (int i = 0; i < prompt; i++) p[i] = r.nextInt(s.vocabSize());
            int[][] steps = new int[gen][batch];
            for (int[] st : steps) for (int b = 0; b < batch; b++) st[b] = r.nextInt(s.vocabSize());
            List<Double> pre = new ArrayList<>(), dec = new ArrayList<>();
            for (int rep = -1; rep < reps; rep++) {  // rep −1: warm-up (module load, graph capture)
                s.reset();
                long t0 = System.nanoTime();
                s.prefill(prompts);
                long t1 = System.nanoTime();
                for (int[] st : steps) s.decode(st);
                long t2 = System.nanoTime();
                if (rep >= 0) {
                    pre.add(batch * prompt / ((t1 - t0) / 1e9));
                    dec.add(batch * gen / ((t2 - t1) / 1e9));
                }
            }
            double p = median(pre), d = median(dec);
            double roofline = bandwidth / bytesPerStep(f, c, batch, prompt + gen / 2.0) * batch;
            System.out.printf("%s on %s, batch %d,%s pp%d + tg%d: prefill %.0f tok/s, decode %.1f tok/s (%.0f%% of the %.0f tok/s roofline; step %.3f ms)%n",
                    model.getFileName(), s.deviceName(), batch, KV_TYPE.equals("f32") ? "" : " kv " + KV_TYPE, prompt, gen, p, d, 100 * d / roofline, roofline, 1e3 * batch / d);
            System.out.printf("  kernels: %s%n", s.kernelsDescription());
            Map<String, double[]> profile = s.profileDecodeStep(steps[0]);
            double total = profile.values().stream().mapToDouble(v -> v[0]).sum();
            System.out.printf("  kernel time of one decode step at position %d (events around each launch, no graph): %.3f ms%n", prompt + gen, total);
            profile.entrySet().stream().sorted((x, y) -> Double.compare(y.getValue()[0], x.getValue()[0])).forEach(e ->
                    System.out.printf("    %-16s %4.0f launches %8.3f ms %5.1f%%%n", e.getKey(), e.getValue()[1], e.getValue()[0], 100 * e.getValue()[0] / total));
        }
    }

    /** A warm-up prefill of {@code rows} random tokens, then the same prefill again inside the profiler range: run under ncu --profile-from-start off. */
    static void ncuPrefill(Path model, int rows) throws Exception {
        try (CudaSession s = (CudaSession) new CudaBackend().open(new ModelSource(model), options(rows, 1))) {
            Random r = new Random(1234);
            int[] prompt = r.ints(rows, 0, s.vocabSize()).toArray();
            s.prefill(new int[][] {prompt});
            s.reset();
            s.profiledPrefill(prompt);
        }
    }

    /** Prefill, 128 graph decode steps, then one direct step inside the profiler range: run under ncu --profile-from-start off. */
    static void ncuStep(Path model, int batch, int prompt, int gen) throws Exception {
        try (CudaSession s = (CudaSession) new CudaBackend().open(new ModelSource(model), options(prompt + gen + 1, batch))) {
            Random r = new Random(1234);
            int[][] prompts = new int[batch][prompt];
            for (int[] p : prompts) for (int i = 0; i < prompt; i++) p[i] = r.nextInt(s.vocabSize());
            s.prefill(prompts);
            int[] step = new int[batch];
            for (int i = 0; i < gen; i++) s.decode(step);
            s.profiledDecodeStep(step);
        }
    }

    /**
     * The decode path of a large model against the CPU backend on the same file: {@link #CHECK_PROMPT}
     * random tokens decoded one at a time (not prefilled: above 8 rows prefill takes cuBLAS, whose
     * half-precision activations would set the difference), so that decode attention spans
     * several chunks and merges them, then {@code steps} compared decode steps (the matrix-vector
     * kernels with every warps-per-row split a large model uses), for a batch of {@code batch}
     * (above 8 rows: the cuBLAS path, in graphs too); max |Δlogit| relative to the largest logit.
     */
    static void check(Path model, int steps, int batch) throws Exception {
        Random r = new Random(7);
        int context = CHECK_PROMPT + steps + 1;
        try (var cpu = new dev.bantam.core.cpu.CpuBackend().open(new ModelSource(model), new SessionOptions(Runtime.getRuntime().availableProcessors(), context, batch));
             var gpu = new CudaBackend().open(new ModelSource(model), options(context, batch))) {
            int vocab = gpu.vocabSize(), same = 0, n = 0;
            double maxDiff = 0, maxLogit = 0;
            int[][] first = new int[batch][];
            for (int s = 0; s < batch; s++) first[s] = new int[] {r.nextInt(vocab)};
            float[] a = cpu.prefill(first).data(), b = gpu.prefill(first).data();
            for (int i = 1; i < CHECK_PROMPT; i++) {
                int[] next = r.ints(batch, 0, vocab).toArray();
                a = cpu.decode(next).data();
                b = gpu.decode(next).data();
            }
            for (int i = 0; i < steps; i++) {
                for (int s = 0; s < batch; s++) {
                    int ta = Sampler.argmax(a, s * vocab, vocab), tb = Sampler.argmax(b, s * vocab, vocab);
                    if (ta == tb) same++;
                    n++;
                }
                for (int k = 0; k < a.length; k++) {
                    maxDiff = Math.max(maxDiff, Math.abs(a[k] - b[k]));
                    maxLogit = Math.max(maxLogit, Math.abs(a[k]));
                }
                int[] next = r.ints(batch, 0, vocab).toArray();
                a = cpu.decode(next).data();
                b = gpu.decode(next).data();
            }
            System.out.printf("check %s: batch %d, kv %s, %d decode steps vs cpu: top-1 %d/%d, max |Δlogit| %.3e (max |logit| %.3e, relative %.2e)%n",
                    model.getFileName(), batch, KV_TYPE, steps, same, n, maxDiff, maxLogit, maxDiff / maxLogit);
        }
    }

    /** Tokens {@link #check} decodes before it compares: 100, four attention chunks of 32. */
    static final int CHECK_PROMPT = 100;

    static double median(List<Double> v) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }
}
