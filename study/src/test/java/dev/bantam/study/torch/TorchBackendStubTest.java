package dev.bantam.study.torch;

import dev.bantam.core.backend.InferenceSession;
import dev.bantam.core.backend.ModelSource;
import dev.bantam.core.backend.SessionOptions;
import dev.bantam.core.cpu.CpuBackend;
import dev.bantam.testing.Fixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The torch backend end to end with the STUB worker (replays logits recorded from the CPU
 * engine; not PyTorch): export to the cache, process start, every protocol op, raw logits, errors.
 * The shipped worker's own protocol loop is run too, as far as a Python without torch allows.
 */
class TorchBackendStubTest {
    @TempDir
    Path tmp;
    /** The CPU engine repeats itself only to rounding: the Vector API may sum lanes in another order once C2 compiles a kernel. */
    static final org.assertj.core.data.Offset<Float> CPU_REPEAT = org.assertj.core.api.Assertions.within(1e-5f);
    final Path model = Fixtures.path("tiny/llama-tiny/llama-tiny-f32.gguf");

    @BeforeEach
    void needsPython() {
        assumeTrue(PythonProbe.get().hasPython(), "no python3 here");
        System.setProperty("bantam.hf.cache", tmp.resolve("hf").toString());
    }

    @AfterEach
    void clear() {
        System.clearProperty(TorchBackend.WORKER_PROPERTY);
        System.clearProperty("bantam.hf.cache");
    }

    @Test
    void everyOpReturnsTheRecordedLogits() throws Exception {
        int[] a = {1, 40, 41, 42, 43, 44}, b = {1, 50, 51, 52, 53, 54}, all = {1, 7, 8, 9, 10};
        var rec = new StubRecording(model);
        int[] ga = rec.greedy(a, 2), gb = rec.greedy(b, 2);
        rec.add(all);
        System.setProperty(TorchBackend.WORKER_PROPERTY, rec.write(tmp.resolve("stub")).toString());

        var backend = new TorchBackend.Eager();
        assertThat(backend.availability().available()).isTrue();
        assertThat(backend.version()).startsWith("STUB worker").contains("not PyTorch");
        try (var cpu = new CpuBackend().open(new ModelSource(model), SessionOptions.of(1, 0)); // as recorded: the same context, the same arithmetic
             InferenceSession torch = backend.open(new ModelSource(model), new SessionOptions(1, 64, 2).withBackendOption(TorchBackend.PRECISION, "f32"))) {
            assertThat(((TorchSession) torch).info().path("engine").asText()).startsWith("stub-replay");
            assertThat(torch.vocabSize()).isEqualTo(512);
            torch.warmUp();
            var p = torch.prefill(new int[][] {a, b});
            assertThat(p.batch()).isEqualTo(2);
            float[] expected = cpu.prefillAll(ga);
            assertThat(p.row(0)).containsExactly(java.util.Arrays.copyOfRange(expected, 5 * 512, 6 * 512), CPU_REPEAT);
            var d = torch.decode(new int[] {ga[6], gb[6]});
            assertThat(d.row(0)).containsExactly(java.util.Arrays.copyOfRange(expected, 6 * 512, 7 * 512), CPU_REPEAT);
            assertThat(torch.deviceMemoryBytes()).isEqualTo(-1);

            torch.reset();
            try (var fresh = new CpuBackend().open(new ModelSource(model), SessionOptions.of(1, 0))) {
                assertThat(torch.prefillAll(all)).containsExactly(fresh.prefillAll(all), CPU_REPEAT);
            }

            torch.reset();
            assertThatThrownBy(() -> torch.prefill(new int[][] {{1, 2, 3}})).hasMessageContaining("no recorded logits");
            assertThatThrownBy(() -> torch.prefill(new int[][] {{1, 2}, {1, 2, 3}})).hasMessageContaining("equal-length");
            assertThat(torch.prefill(new int[][] {a}).row(0)).isEqualTo(p.row(0)); // still usable after errors
        }
        try (var dirs = Files.list(tmp.resolve("hf"))) {
            assertThat(dirs.map(x -> x.getFileName().toString())).singleElement().asString().endsWith("-f32");
        }
    }

    @Test
    void aWorkerThatDiesIsReportedWithItsExitCode() throws Exception {
        Path dying = Files.writeString(tmp.resolve("dying.py"), "import sys\nsys.stdin.readline()\nsys.exit(3)\n");
        System.setProperty(TorchBackend.WORKER_PROPERTY, dying.toString());
        assertThatThrownBy(() -> new TorchBackend.Compiled().open(new ModelSource(model), SessionOptions.of(1, 64)))
                .hasMessageContaining("exited (code 3)");
    }

    /** The shipped worker, run by a Python without torch: the protocol loop answers, errors are one JSON line. */
    @Test
    void theRealWorkerAnswersInOneLineWhereTorchIsMissing() throws Exception {
        assumeFalse(PythonProbe.get().ready(), "torch is installed here; the GPU machine runs the real thing");
        Path dir = TorchBackend.extractWorker();
        try (TorchWorker w = TorchWorker.start(PythonProbe.get().executable(), dir.resolve(TorchBackend.WORKER_RESOURCE), dir)) {
            assertThatThrownBy(() -> w.call(TorchWorker.tokens("prefill", new int[][] {{1}}))).hasMessageContaining("no model is open");
            assertThatThrownBy(() -> w.call(TorchWorker.request("open").put("model_dir", tmp.toString()).put("dtype", "bf16").put("max_len", 16)))
                    .hasMessageContaining("No module named 'torch'");
        }
        var reason = new TorchBackend.Eager().availability();
        assertThat(reason.available()).isFalse();
        assertThat(reason.reason()).contains("torch").contains("pip install");
    }

    @Test
    void probeFindsPythonWithoutAShell() {
        assertThat(PythonProbe.locate("python3")).isPresent();
        assertThat(PythonProbe.probe("no-such-python-here").problem()).contains("no no-such-python-here on the PATH");
    }
}
