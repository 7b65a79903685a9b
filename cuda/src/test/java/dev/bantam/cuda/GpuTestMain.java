package dev.bantam.cuda;

import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

import java.io.PrintWriter;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

/**
 * Runs the GPU tests without Maven, for a GPU machine that has a Java runtime but no build tools:
 * {@code java -cp TEST_CLASSPATH dev.bantam.cuda.GpuTestMain [TEST_CLASS...]}. Exit code 1 on any failure.
 */
public final class GpuTestMain {
    private GpuTestMain() {}

    /** {@code args}: test classes to run (e.g. {@code dev.bantam.cuda.CudaFusionTest}) instead of all the GPU tests. */
    public static void main(String[] args) {
        var all = java.util.List.of(selectClass(CudaGoldenLogitsTest.class), selectClass(CudaArchGoldenLogitsTest.class),
                selectClass(CudaWeightTypesTest.class), selectClass(CudaPerplexityTest.class), selectClass(CudaSlotsTest.class),
                selectClass(CudaKvTypeTest.class), selectClass(CudaFusionTest.class));
        var chosen = args.length == 0 ? all : java.util.Arrays.stream(args).map(c -> selectClass(c)).toList();
        LauncherDiscoveryRequest req = request().selectors(chosen).build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        launcher.execute(req, summary);
        PrintWriter out = new PrintWriter(System.out, true);
        summary.getSummary().printFailuresTo(out, 20);
        summary.getSummary().printTo(out);
        System.exit(summary.getSummary().getTotalFailureCount() == 0 ? 0 : 1);
    }
}
