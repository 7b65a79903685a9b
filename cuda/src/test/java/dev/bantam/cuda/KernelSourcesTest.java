package dev.bantam.cuda;

import dev.bantam.core.tensor.WeightType;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** CI: the kernel sources, the PTX built from them (when nvcc was there) and the Java side's kernel names agree. */
class KernelSourcesTest {
    private static final Pattern KERNEL = Pattern.compile("extern \"C\" __global__ void (\\w+)\\(");
    private static final Pattern LAUNCH = Pattern.compile("launch\\(\"(\\w+)\"");

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
    void everyKernelTheJavaSideLaunchesExists() throws IOException {
        List<String> kernels = allKernels();
        assertThat(kernels).doesNotHaveDuplicates();
        List<String> launched = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("src/main/java/dev/bantam/cuda"))) {
            for (Path p : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = LAUNCH.matcher(Files.readString(p));
                while (m.find()) launched.add(m.group(1));
            }
        }
        assertThat(launched).isNotEmpty();
        assertThat(kernels).containsAll(launched);
    }

    /** One matrix-vector kernel per weight type the issue names, keyed by the core's WeightType ids. */
    @Test
    void theKernelTableCoversTheIssuesWeightTypes() {
        List<String> kernels = allKernels();
        for (WeightType t : List.of(WeightType.F32, WeightType.F16, WeightType.BF16, WeightType.Q8_0, WeightType.Q4_0, WeightType.Q4_K)) {
            DeviceType d = DeviceType.of(t).orElseThrow();
            assertThat(kernels).contains(d.matvec());
            if (d.split() != null) assertThat(kernels).contains(d.split());
            assertThat(KernelSources.header("common.cuh")).containsPattern("#define T_" + t.name() + " " + t.id + "\\b");
        }
        assertThat(DeviceType.of(WeightType.Q6_K)).isEmpty();
    }

    /** Where the build had nvcc, each file's PTX targets compute_75 and defines each of its kernels. */
    @Test
    void prebuiltPtxMatchesTheSources() {
        if (!KernelSources.hasPrebuiltPtx()) {
            System.out.println("no prebuilt PTX (built without nvcc): the backend uses NVRTC");
            return;
        }
        for (String f : KernelSources.FILES) {
            String ptx = KernelSources.ptx(f);
            assertThat(ptx).as(f).contains(".target sm_75");
            for (String k : kernelsIn(KernelSources.source(f))) assertThat(ptx).as(f + " " + k).contains(".entry " + k + "(");
        }
    }
}
