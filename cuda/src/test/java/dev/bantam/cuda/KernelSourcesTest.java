package dev.bantam.cuda;

import dev.bantam.core.tensor.WeightType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** CI: the kernel sources, the PTX built from them (when nvcc was there) and the Java side's kernel table agree. */
class KernelSourcesTest {
    private static final Pattern KERNEL = Pattern.compile("extern \"C\" __global__ void (?:__launch_bounds__\\([^)]*\\) )?(\\w+)\\(");

    static List<String> kernelsIn(String source) {
        List<String> names = new ArrayList<>();
        Matcher m = KERNEL.matcher(source);
        while (m.find()) names.add(m.group(1));
        return names;
    }

    static List<String> allKernels() {
        return KernelSources.FILES.stream().flatMap(f -> kernelsIn(KernelSources.source(f)).stream()).toList();
    }

    @Test
    void everyKernelFileAndHeaderIsInTheJar() {
        for (String f : KernelSources.FILES) assertThat(KernelSources.source(f)).as(f).contains("#include \"common.cuh\"");
        for (String h : KernelSources.HEADERS) assertThat(KernelSources.header(h)).isNotBlank();
    }

    @Test
    void kernelNamesAreUnique() {
        assertThat(allKernels()).doesNotHaveDuplicates();
    }

    /** One matrix-vector kernel per weight type the CPU engine runs (so every _M mix runs), keyed by the core's WeightType ids. */
    @Test
    void theKernelTableCoversEveryWeightTypeOfTheCpuEngine() {
        List<String> kernels = allKernels();
        List<WeightType> cpu = java.util.Arrays.stream(WeightType.values()).filter(dev.bantam.core.kernels.Kernels::supports).toList();
        assertThat(cpu).contains(WeightType.Q4_1, WeightType.Q5_0, WeightType.Q5_1, WeightType.Q5_K, WeightType.Q6_K);
        for (WeightType t : cpu) {
            DeviceType d = DeviceType.of(t).orElseThrow();
            assertThat(kernels).contains(d.matvecKernel(1), d.matvecKernel(2));
            if (d.split() != null) assertThat(kernels).contains(d.split());
            if (d.matvecInt8() != null) assertThat(kernels).contains(d.matvecInt8Kernel(1), d.matvecInt8Kernel(2));
            assertThat(KernelSources.header(WeightTypeHeader.NAME)).containsPattern("#define T_" + t.name() + " " + t.id + "\\b");
        }
    }

    /**
     * Where the build had nvcc, the PTX was compiled against the weight-type table of this core,
     * each file's PTX targets each architecture and defines each of its kernels, and on compute_90
     * every kernel waits for the previous one (launches overlap there: a kernel that did not wait
     * would race with its inputs).
     */
    @Test
    void prebuiltPtxMatchesTheSources() {
        if (KernelSources.FILES.stream().allMatch(f -> KernelSources.ptx(f, 75) == null)) {
            System.out.println("no prebuilt PTX (built without nvcc): the backend uses NVRTC");
            return;
        }
        assertThat(KernelSources.ptxWeightTypes()).as("weight_types.cuh the PTX was built against").isEqualTo(WeightTypeHeader.text());
        assertThat(KernelSources.hasPrebuiltPtx()).isTrue();
        for (int arch : KernelSources.PTX_ARCHITECTURES) {
            for (String f : KernelSources.FILES) {
                String ptx = KernelSources.ptx(f, arch);
                assertThat(ptx).as(f).contains(".target sm_" + arch);
                for (String k : kernelsIn(KernelSources.source(f))) {
                    assertThat(ptx).as(f + " " + k).contains(".entry " + k + "(");
                    String body = ptx.substring(ptx.indexOf(".entry " + k + "("));
                    int next = body.indexOf(".entry ", 1);
                    body = next < 0 ? body : body.substring(0, next);
                    assertThat(body.contains("griddepcontrol.wait")).as(k + " waits for the previous kernel on compute_" + arch).isEqualTo(arch >= 90);
                }
            }
        }
    }

    /**
     * The same rule on the sources, for builds without nvcc: every kernel calls
     * after_previous_kernel, itself or through the __device__ function it runs (the matrix-vector
     * templates, by MATVEC_ROW).
     */
    @Test
    void everyKernelWaitsForThePreviousKernel() {
        Pattern device = Pattern.compile("__device__ __forceinline__ void (\\w+)\\(");
        for (String f : KernelSources.FILES) {
            String src = KernelSources.source(f);
            List<String> waiting = new ArrayList<>(List.of("after_previous_kernel();"));
            Matcher d = device.matcher(src);
            while (d.find()) {
                String body = bodyAt(src, d.end());
                if (body.contains("after_previous_kernel();") || body.contains("MATVEC_ROW(")) waiting.add(d.group(1) + "<");
            }
            Matcher k = KERNEL.matcher(src);
            while (k.find()) {
                String body = bodyAt(src, k.end());
                assertThat(waiting.stream().anyMatch(body::contains) || body.contains("MATVEC_ROW("))
                        .as(f + ".cu: kernel " + k.group(1) + " calls after_previous_kernel").isTrue();
            }
        }
    }

    /** The brace-balanced body of the function whose parameter list starts before {@code from}. */
    private static String bodyAt(String src, int from) {
        int open = src.indexOf('{', from), depth = 0;
        for (int i = open; i < src.length(); i++) {
            if (src.charAt(i) == '{') depth++;
            else if (src.charAt(i) == '}' && --depth == 0) return src.substring(open, i + 1);
        }
        throw new IllegalStateException("unbalanced braces after offset " + from);
    }

    @Test
    void everyHeadSizeUpTo256HasAnAttentionKernelThatHoldsIt() {
        List<String> kernels = allKernels();
        for (int hd = 1; hd <= 256; hd++) {
            String k = DeviceKernels.attnPartialKernel(hd, false);
            int perLane = Integer.parseInt(k.substring("attn_partial_d".length()));
            assertThat(kernels).contains(k, DeviceKernels.attnPartialKernel(hd, true));
            assertThat(DeviceKernels.attnPartialKernel(hd, true)).isEqualTo(k + "_f16");
            assertThat(32 * perLane).as("head size %d in %s", hd, k).isGreaterThanOrEqualTo(hd).isLessThan(Math.max(64, 2 * hd));
        }
        assertThatThrownBy(() -> DeviceKernels.attnPartialKernel(257, false)).hasMessageContaining("head size 257");
    }

    @Test
    void everyHeadSizeUpTo128HasAPrefillTileKernelThatHoldsIt() {
        List<String> kernels = allKernels();
        for (int hd = 1; hd <= DeviceKernels.PREFILL_MAX_HEAD; hd++) {
            String k = DeviceKernels.attnPrefillKernel(hd, false);
            int perLane = Integer.parseInt(k.substring("attn_prefill_d".length()));
            assertThat(kernels).contains(k, DeviceKernels.attnPrefillKernel(hd, true));
            assertThat(DeviceKernels.attnPrefillKernel(hd, true)).isEqualTo(k + "_f16");
            assertThat(32 * perLane).as("head size %d in %s", hd, k).isGreaterThanOrEqualTo(hd).isLessThan(Math.max(64, 2 * hd));
        }
        assertThatThrownBy(() -> DeviceKernels.attnPrefillKernel(DeviceKernels.PREFILL_MAX_HEAD + 1, false)).hasMessageContaining("head size 129");
    }

    /**
     * The decode attention's L2 prefetch of the next weights: its table size agrees between common.cuh and
     * WeightPrefetch, and where PTX was built it is Hopper's bulk prefetch in every attn_partial kernel of
     * compute_90 and absent from compute_75 (which has no such instruction).
     */
    @Test
    void attentionPrefetchesTheNextWeightsOnCompute90Only() {
        assertThat(KernelSources.header("common.cuh")).contains("#define PREFETCH_RANGES " + WeightPrefetch.RANGES + "\n");
        if (!KernelSources.hasPrebuiltPtx()) return;
        for (int arch : KernelSources.PTX_ARCHITECTURES) {
            String ptx = KernelSources.ptx("attention", arch);
            for (String k : kernelsIn(KernelSources.source("attention"))) {
                String body = ptx.substring(ptx.indexOf(".entry " + k + "("));
                int next = body.indexOf(".entry ", 1);
                body = next < 0 ? body : body.substring(0, next);
                assertThat(body.contains("cp.async.bulk.prefetch.L2.global")).as(k + " on compute_" + arch).isEqualTo(arch >= 90);
            }
        }
    }

    /** Q6_K's padded super-block: the kernels' stride and the size DeviceMatrix allocates agree, and it is a multiple of 16. */
    @Test
    void q6kDeviceBlockBytesAgree() {
        assertThat(GroupValueOnHostTest.deviceBytesQ6K(KernelSources.header("common.cuh")))
                .isEqualTo("#define DEVICE_BYTES_Q6_K " + DeviceType.Q6_K_DEVICE_BYTES);
        assertThat(DeviceType.Q6_K_DEVICE_BYTES % 16).isZero();
        assertThat(DeviceType.Q6_K_DEVICE_BYTES).isGreaterThanOrEqualTo(WeightType.Q6_K.blockBytes);
    }

    @Test
    void theNewestArchitectureAGpuRunsIsChosen() {
        assertThat(KernelSources.ptxArchitectureFor(7, 5)).isEqualTo(75);
        assertThat(KernelSources.ptxArchitectureFor(8, 9)).isEqualTo(75);
        assertThat(KernelSources.ptxArchitectureFor(9, 0)).isEqualTo(90);
        assertThat(KernelSources.ptxArchitectureFor(12, 0)).isEqualTo(90);
    }
}
