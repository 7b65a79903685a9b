package dev.bantam.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Where the kernels come from: each CUDA C file under {@code src/main/cuda} is compiled by nvcc at
 * build time (when nvcc is present) to {@code dev/bantam/cuda/ptx/compute_A/NAME.ptx} in the jar
 * for each virtual architecture A of {@link #PTX_ARCHITECTURES}, beside the
 * {@code weight_types.cuh} it was compiled against; the sources themselves are always in the jar
 * under {@code dev/bantam/cuda/kernels/}, for NVRTC, which gets {@code weight_types.cuh} from
 * {@link WeightTypeHeader} instead.
 */
public final class KernelSources {
    /** Every kernel file, without its extension. */
    public static final List<String> FILES = List.of("matvec", "layout", "embed_norm", "activations", "rope_kv", "attention", "attention_prefill", "argmax", "persistent");
    /** Headers the sources include, by the name they include them by. */
    public static final List<String> HEADERS = List.of("common.cuh", WeightTypeHeader.NAME);

    private KernelSources() {}

    /**
     * The virtual architectures the jar's PTX is built for: 75 runs on every GPU CUDA 13 supports;
     * 90 (Hopper and later) adds programmatic dependent launch (common.cuh's after_previous_kernel).
     */
    public static final List<Integer> PTX_ARCHITECTURES = List.of(75, 90);

    /** The prebuilt PTX of {@code file} for compute_{@code arch}, or null when the jar was built without nvcc. */
    public static String ptx(String file, int arch) {
        return resource("ptx/compute_" + arch + "/" + file + ".ptx");
    }

    /** The newest of {@link #PTX_ARCHITECTURES} a GPU of compute capability {@code major.minor} runs. */
    public static int ptxArchitectureFor(int major, int minor) {
        int cc = 10 * major + minor, best = PTX_ARCHITECTURES.getFirst();
        for (int a : PTX_ARCHITECTURES) if (a <= cc) best = Math.max(best, a);
        return best;
    }

    public static String source(String file) {
        String s = resource("kernels/" + file + ".cu");
        if (s == null) throw new IllegalStateException("kernel source " + file + ".cu is missing from the jar");
        return s;
    }

    public static String header(String name) {
        if (name.equals(WeightTypeHeader.NAME)) return WeightTypeHeader.text();  // generated, not a file of the jar
        String s = resource("kernels/" + name);
        if (s == null) throw new IllegalStateException("kernel header " + name + " is missing from the jar");
        return s;
    }

    /**
     * Whether the jar holds PTX for every file, compiled against the weight-type table of the core
     * on the class path (a cuda jar built with another core's table falls back to NVRTC).
     */
    public static boolean hasPrebuiltPtx() {
        return FILES.stream().allMatch(f -> PTX_ARCHITECTURES.stream().allMatch(a -> KernelSources.class.getResource("ptx/compute_" + a + "/" + f + ".ptx") != null))
                && WeightTypeHeader.text().equals(ptxWeightTypes());
    }

    /** The weight_types.cuh the prebuilt PTX was compiled against, or null when there is none. */
    static String ptxWeightTypes() {
        return resource("ptx/" + WeightTypeHeader.NAME);
    }

    private static String resource(String path) {
        try (InputStream in = KernelSources.class.getResourceAsStream(path)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
