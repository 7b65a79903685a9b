package dev.bantam.cuda;

import dev.bantam.core.backend.InferenceBackend;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** JUnit assumption for tests that need a GPU: skipped, with the reason, where the backend is unavailable. */
final class Gpus {
    private Gpus() {}

    static void assumeGpu() {
        InferenceBackend.Availability a = CudaBackend.probe();
        assumeTrue(a.available(), () -> "no GPU: " + a.reason());
    }
}
