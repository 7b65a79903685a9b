package dev.bantam.jmh;

import dev.bantam.core.kernels.Kernels;
import dev.bantam.core.tensor.WeightType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The main class of benchmarks.jar: JMH's own main, with {@code -p type=...} set to every weight
 * type that has kernels (unless the command line sets {@code type} itself), so a new kernel in
 * {@link WeightType} is benchmarked without editing any annotation.
 */
public final class BenchmarksMain {
    private BenchmarksMain() {}

    public static void main(String[] args) throws Exception {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        boolean typeGiven = false;
        for (int i = 0; i + 1 < all.size(); i++) {
            if (all.get(i).equals("-p") && all.get(i + 1).startsWith("type=")) typeGiven = true;
        }
        if (!typeGiven && !all.contains("-l") && !all.contains("-h") && !all.contains("-lp")) {
            all.add("-p");
            all.add("type=" + kernelTypes());
        }
        org.openjdk.jmh.Main.main(all.toArray(String[]::new));
    }

    /** The weight types with kernels, comma-separated: F32,F16,Q8_0,BF16 today. */
    static String kernelTypes() {
        return Arrays.stream(WeightType.values()).filter(Kernels::supports).map(Enum::name).collect(Collectors.joining(","));
    }
}
