package dev.bantam.cuda;

import dev.bantam.core.tensor.WeightType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

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
     * each file's PTX targets compute_75 and defines each of its kernels.
     */
    @Test
    void prebuiltPtxMatchesTheSources() {
        if (KernelSources.FILES.stream().allMatch(f -> KernelSources.ptx(f) == null)) {
            System.out.println("no prebuilt PTX (built without nvcc): the backend uses NVRTC");
            return;
        }
        assertThat(KernelSources.ptxWeightTypes()).as("weight_types.cuh the PTX was built against").isEqualTo(WeightTypeHeader.text());
        assertThat(KernelSources.hasPrebuiltPtx()).isTrue();
        for (String f : KernelSources.FILES) {
            String ptx = KernelSources.ptx(f);
            assertThat(ptx).as(f).contains(".target sm_75");
            for (String k : kernelsIn(KernelSources.source(f))) assertThat(ptx).as(f + " " + k).contains(".entry " + k + "(");
        }
    }
}
