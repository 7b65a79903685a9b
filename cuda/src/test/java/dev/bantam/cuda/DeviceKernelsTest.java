package dev.bantam.cuda;

import dev.bantam.core.tensor.WeightType;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * CI: each typed launch method of DeviceKernels packs what its kernel's {@code extern "C"}
 * signature takes — as many arguments, each of the Java type the driver copies for that C type (a
 * pointer or long long: Long, int: Integer, float: Float), in the method's parameter order — and
 * every kernel in the sources has a method. Plus the constants the Java side launches against.
 */
class DeviceKernelsTest {
    private static final Pattern KERNEL = Pattern.compile("extern \"C\" __global__ void (?:__launch_bounds__\\([^)]*\\) )?(\\w+)\\(([^)]*)\\)");
    private static final Pattern DEFINE = Pattern.compile("(?m)^#define (\\w+) (.*)$");

    /** A launch a method packed from its placeholder parameters. */
    record Launch(String method, Object[] params, String kernel, int[] grid, int block, Object[] args) {}

    /** Kernel name → the packed Java type of each parameter, parsed from the sources (parameter-list macros such as MATVEC_ARGS expanded). */
    static Map<String, List<Class<?>>> signatures() {
        Map<String, List<Class<?>>> out = new LinkedHashMap<>();
        for (String f : KernelSources.FILES) {
            String code = WeightTypeHeaderTest.withoutComments(KernelSources.source(f)).replace("\\\n", " ");
            Map<String, String> macros = defines(code);
            Matcher k = KERNEL.matcher(code);
            while (k.find()) {
                String params = macros.getOrDefault(k.group(2).strip(), k.group(2));
                List<Class<?>> types = new ArrayList<>();
                for (String p : params.split(",")) types.add(packedAs(k.group(1), p.strip().replaceAll("\\s+", " ")));
                out.put(k.group(1), types);
            }
        }
        return out;
    }

    static Map<String, String> defines(String code) {
        Map<String, String> macros = new HashMap<>();
        Matcher d = DEFINE.matcher(code);
        while (d.find()) macros.put(d.group(1), d.group(2).strip());
        return macros;
    }

    /** "const float* x" → Long, "long long n" → Long, "int dim" → Integer, "float eps" → Float. */
    static Class<?> packedAs(String kernel, String param) {
        String type = param.substring(0, param.lastIndexOf(' ')).strip();
        if (type.endsWith("*")) return Long.class;
        return switch (type) {
            case "long long" -> Long.class;
            case "int" -> Integer.class;
            case "float" -> Float.class;
            default -> throw new AssertionError(kernel + ": parameter '" + param + "' has a type DeviceKernelsTest does not map");
        };
    }

    /**
     * Every typed method called with placeholder parameters (for each device type where it takes
     * one; a type without such a kernel is refused): ints 1, then 2, distinct longs and floats, so that the
     * order in which pointers are packed can be checked.
     */
    static List<Launch> launchesOfEveryMethod() throws Exception {
        List<Launch> launches = new ArrayList<>();
        Object[][] calling = {null};
        DeviceKernels kernels = new DeviceKernels((kernel, grid, block, args) ->
                launches.add(new Launch((String) calling[0][0], (Object[]) calling[0][1], kernel, grid, block, args)));
        List<DeviceType> types = Arrays.stream(WeightType.values()).flatMap(t -> DeviceType.of(t).stream()).toList();
        for (Method m : DeviceKernels.class.getDeclaredMethods()) {
            if (Modifier.isPrivate(m.getModifiers()) || Modifier.isStatic(m.getModifiers()) || m.isSynthetic()) continue;
            int before = launches.size();
            boolean typed = Arrays.asList(m.getParameterTypes()).contains(DeviceType.class);
            // ints 1 and 2: the matrix-vector methods launch NAME_b1 for one vector, NAME for more
            for (int n = 1; n <= 2; n++) for (DeviceType type : typed ? types : Arrays.asList((DeviceType) null)) {
                Object[] params = placeholders(m, type, n);
                calling[0] = new Object[] {m.getName(), params};
                try {
                    m.invoke(kernels, params);
                } catch (InvocationTargetException e) {
                    if (!(e.getCause() instanceof IllegalArgumentException)) throw e;
                }
            }
            assertThat(launches.size()).as(m.getName() + " launches a kernel").isGreaterThan(before);
        }
        return launches;
    }

    static Object[] placeholders(Method m, DeviceType type, int ints) {
        Class<?>[] p = m.getParameterTypes();
        Object[] args = new Object[p.length];
        for (int i = 0; i < p.length; i++) {
            if (p[i] == int.class) args[i] = ints;
            else if (p[i] == long.class) args[i] = 1000L + i;
            else if (p[i] == float.class) args[i] = 0.5f + i;
            else if (p[i] == DeviceType.class) args[i] = type;
            else throw new AssertionError(m.getName() + ": parameter " + i + " of type " + p[i]);
        }
        return args;
    }

    @Test
    void everyMethodPacksItsKernelsSignature() throws Exception {
        Map<String, List<Class<?>>> signatures = signatures();
        for (Launch l : launchesOfEveryMethod()) {
            assertThat(signatures).as(l.method() + " launches " + l.kernel() + ", which no kernel file defines").containsKey(l.kernel());
            List<String> packed = Arrays.stream(l.args()).map(a -> a.getClass().getSimpleName()).toList();
            assertThat(packed).as(l.method() + " → " + l.kernel()).isEqualTo(signatures.get(l.kernel()).stream().map(Class::getSimpleName).toList());
        }
    }

    @Test
    void everyMethodPacksItsPointersLongsAndFloatsInItsParameterOrder() throws Exception {
        for (Launch l : launchesOfEveryMethod()) {
            assertThat(Arrays.stream(l.args()).filter(DeviceKernelsTest::wide).toList()).as(l.method() + " → " + l.kernel())
                    .isEqualTo(Arrays.stream(l.params()).filter(DeviceKernelsTest::wide).toList());
        }
    }

    private static boolean wide(Object value) {
        return value instanceof Long || value instanceof Float;
    }

    @Test
    void everyKernelHasAMethod() throws Exception {
        List<String> launched = new ArrayList<>(launchesOfEveryMethod().stream().map(Launch::kernel).distinct().toList());
        // attn_partial_dN[_f16] and attn_prefill_dN[_f16] by head size and cache type, which the placeholder ints (1, 2) do not reach beyond d1_f16
        for (boolean kvHalf : new boolean[] {false, true}) {
            java.util.stream.IntStream.rangeClosed(1, 256).mapToObj(hd -> DeviceKernels.attnPartialKernel(hd, kvHalf)).distinct()
                    .filter(k -> !launched.contains(k)).forEach(launched::add);
            java.util.stream.IntStream.rangeClosed(1, DeviceKernels.PREFILL_MAX_HEAD).mapToObj(hd -> DeviceKernels.attnPrefillKernel(hd, kvHalf)).distinct()
                    .filter(k -> !launched.contains(k)).forEach(launched::add);
        }
        // the matrix-vector kernels of every batch size, which the placeholder batch (2) reaches one of
        for (DeviceType t : java.util.Arrays.stream(dev.bantam.core.tensor.WeightType.values()).flatMap(w -> DeviceType.of(w).stream()).toList()) {
            for (int batch = 1; batch <= CudaForward.MATVEC_ROWS; batch++) {
                String k = t.matvecKernel(batch);
                if (!launched.contains(k)) launched.add(k);
            }
        }
        assertThat(launched).containsExactlyInAnyOrderElementsOf(signatures().keySet());
    }

    @Test
    void launchShapesAreValid() throws Exception {
        for (Launch l : launchesOfEveryMethod()) {
            assertThat(l.block()).as(l.kernel() + " threads").isBetween(32, 1024);
            assertThat(l.block() % 32).as(l.kernel() + " threads in whole warps").isZero();
            assertThat(l.grid().length).as(l.kernel() + " grid dimensions").isBetween(1, 3);
            for (int g : l.grid()) assertThat(g).as(l.kernel() + " grid").isPositive();
        }
    }

    /** The persistent launch's grid follows the blocks an SM its kernel was compiled for: the jar's, or an NVRTC define's. */
    @Test
    void persistentGridFollowsTheCompiledBlocksPerSm() {
        String before = System.getProperty("bantam.cuda.define");
        try {
            System.clearProperty("bantam.cuda.define");
            assertThat(CudaForward.persistentBlocksPerSm()).isEqualTo(DeviceKernels.PERSISTENT_BLOCKS_PER_SM);
            System.setProperty("bantam.cuda.define", "NO_PREFETCH, PERSISTENT_BLOCKS_PER_SM=6,PERSISTENT_UNROLL=1");
            assertThat(CudaForward.persistentBlocksPerSm()).isEqualTo(6);
        } finally {
            if (before == null) System.clearProperty("bantam.cuda.define");
            else System.setProperty("bantam.cuda.define", before);
        }
    }

    /** Constants the host side launches against, defined again in the CUDA C sources. */
    @Test
    void theSourcesConstantsMatchTheJavaSide() {
        assertThat(defines(KernelSources.header("common.cuh"))).containsEntry("MAX_BATCH", Integer.toString(CudaForward.MATVEC_ROWS));
        assertThat(defines(KernelSources.source("attention_prefill"))).containsEntry("TILE_ROWS", Integer.toString(CudaForward.PREFILL_TILE_ROWS));
        Map<String, String> layout = defines(KernelSources.source("layout"));
        assertThat(layout).containsEntry("OUT_F16", Integer.toString(DeviceKernels.OUT_F16));
        assertThat(layout).containsEntry("OUT_BF16", Integer.toString(DeviceKernels.OUT_BF16));
        Map<String, String> persistent = defines(KernelSources.source("persistent"));
        assertThat(persistent).containsEntry("PERSISTENT_BLOCKS_PER_SM", Integer.toString(DeviceKernels.PERSISTENT_BLOCKS_PER_SM));
        assertThat(persistent).containsEntry("PERSISTENT_THREADS", "256");
        assertThat(persistent).containsEntry("BARRIER_GROUPS", Integer.toString(DeviceKernels.PERSISTENT_BARRIER_GROUPS));
        assertThat(persistent).containsEntry("BARRIER_WORDS", "(32 * (BARRIER_GROUPS + 2))");
    }
}
