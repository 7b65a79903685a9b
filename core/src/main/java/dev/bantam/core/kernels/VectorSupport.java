package dev.bantam.core.kernels;

import java.lang.management.ManagementFactory;
import java.util.Optional;

/**
 * Says, once, whether the Vector API kernels will run as SIMD instructions. They are only fast
 * when C2 compiles them to intrinsics; in the interpreter or C1 every vector is an object and the
 * kernels run about 10× slower than plain Java, so the CLI warns at start-up.
 */
public final class VectorSupport {
    private VectorSupport() {}

    /** A warning when the kernels cannot be intrinsified, with the reason; empty when all is well. */
    public static Optional<String> warning() {
        if (Vec.F.vectorBitSize() < 128) {
            return Optional.of("the CPU's preferred vector is " + Vec.F.vectorBitSize()
                    + " bits: the Vector API kernels fall back to scalar code and run ~10x slower");
        }
        String vmInfo = System.getProperty("java.vm.info", "");
        if (vmInfo.contains("interpreted")) {
            return Optional.of("the JVM runs interpreted (-Xint): Vector API kernels are not compiled and run ~10x slower");
        }
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.matches("-XX:TieredStopAtLevel=[0-3]") || arg.equals("-XX:-UseCompiler")) {
                return Optional.of("JVM flag " + arg + " disables C2: Vector API kernels are not intrinsified and run ~10x slower");
            }
        }
        return Optional.empty();
    }

    /** One line for logs and benchmark manifests. */
    public static String describe() {
        return Vec.describe() + warning().map(w -> " (WARNING: " + w + ")").orElse("");
    }
}
