package dev.bantam.cuda;

import dev.bantam.convert.Quantizer;
import dev.bantam.core.backend.InferenceSession;
import dev.bantam.core.backend.ModelSource;
import dev.bantam.core.backend.SessionOptions;
import dev.bantam.core.cpu.CpuBackend;
import dev.bantam.core.gguf.GgufDequantizer;
import dev.bantam.core.gguf.GgufFile;
import dev.bantam.core.gguf.GgufTensorInfo;
import dev.bantam.core.kernels.ThreadPool;
import dev.bantam.core.tensor.WeightType;
import dev.bantam.testing.Agreement;
import dev.bantam.testing.Fixtures.GoldenCase;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * For the GPU tests of reduced precision: copies of a fixture quantized by the project's quantizer
 * (as {@code bantam quantize} writes them), and the existing rule of agreement — the cuda logits,
 * in prefill and step by step, against the CPU backend's on a reference file.
 */
final class QuantizedCopies {
    private QuantizedCopies() {}

    /** {@code source} quantized to {@code type} (a WeightType name): {@code pure}, or the llama.cpp "_M" mix. */
    static Path quantize(Path source, String type, boolean pure, Path dir) throws Exception {
        Path out = dir.resolve(source.getFileName().toString().replace(".gguf", "") + "-" + type + (pure ? "" : "_M") + ".gguf");
        try (GgufFile in = GgufFile.open(source); ThreadPool pool = new ThreadPool(2)) {
            Quantizer.plan(in, WeightType.valueOf(type), pure).write(in, out, pool, (done, total, name) -> {});
        }
        return out;
    }

    /** How many tensors of each weight type {@code file} holds. */
    static Map<String, Integer> tensorTypes(Path file) throws Exception {
        var types = new TreeMap<String, Integer>();
        try (GgufFile f = GgufFile.open(file)) {
            for (GgufTensorInfo t : f.tensorInfos()) types.merge(t.type().name(), 1, Integer::sum);
        }
        return types;
    }

    /** The fraction of positions where cuda on {@code quantized} and the CPU on its weights dequantized to F32 pick the same top-1. */
    static double topOneAgainstDequantized(String model, String type, Path quantized, List<GoldenCase> cases, Path dir) throws Exception {
        Path dequantized = dir.resolve(quantized.getFileName().toString().replace(".gguf", "-as-f32.gguf"));
        try (GgufFile f = GgufFile.open(quantized)) {
            GgufDequantizer.toF32(f, dequantized);
        }
        return topOneAgainstCpu(model + " " + type + " vs its weights in f32", quantized, dequantized, cases);
    }

    /** The fraction of positions where cuda on {@code file} and the CPU backend on {@code cpuFile} pick the same top-1; prints it with the largest |Δlogit|. */
    static double topOneAgainstCpu(String what, Path file, Path cpuFile, List<GoldenCase> cases) throws Exception {
        return topOneAgainstCpu(what, file, cpuFile, cases, "f32");
    }

    /** {@link #topOneAgainstCpu} with cuda's KV cache in {@code kvType} ({@link SessionOptions#KV_TYPE}). */
    static double topOneAgainstCpu(String what, Path file, Path cpuFile, List<GoldenCase> cases, String kvType) throws Exception {
        int same = 0, total = 0;
        float max = 0;
        for (GoldenCase c : cases) {
            float[] reference;
            try (InferenceSession cpu = new CpuBackend().open(new ModelSource(cpuFile), new SessionOptions(2, c.tokens().length, 1))) {
                reference = cpu.prefillAll(c.tokens());
            }
            var options = new SessionOptions(1, c.tokens().length, 1).withBackendOption(SessionOptions.KV_TYPE, kvType);
            try (InferenceSession s = new CudaBackend().open(new ModelSource(file), options)) {
                for (float[] actual : new float[][] {s.prefillAll(c.tokens()), CudaGoldenLogitsTest.stepByStep(s, c.tokens())}) {
                    same += Agreement.sameTop(reference, actual, s.vocabSize());
                    total += c.tokens().length;
                    max = Math.max(max, Agreement.maxAbsDiff(reference, actual));
                }
            }
        }
        System.out.printf("cuda %s (tensor types %s): top-1 %d/%d (%.1f%%), max |Δlogit| %.2e%n",
                what, tensorTypes(file), same, total, 100.0 * same / total, max);
        return (double) same / total;
    }
}
