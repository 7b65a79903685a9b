package dev.bantam.study.llamacpp;

import dev.bantam.study.torch.PythonProbe;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * How a llama-server process is started, awaited and stopped, against a clearly named HTTP test
 * double (health_test_double.py, only /health; not llama.cpp). The measuring itself is the openai
 * path, tested in OpenAiRunTest; llama.cpp itself runs on the GPU machine.
 */
class LlamaServerTest {
    @TempDir
    Path tmp;
    Path script;

    @BeforeEach
    void copyTestDouble() throws Exception {
        assumeTrue(PythonProbe.get().hasPython(), "no python3 here");
        script = tmp.resolve("health_test_double.py");
        try (InputStream in = LlamaServerTest.class.getResourceAsStream("/http-test-double/health_test_double.py")) {
            Files.copy(in, script);
        }
    }

    private List<String> command(int port, String mode) {
        return List.of(PythonProbe.get().executable(), script.toString(), Integer.toString(port), mode);
    }

    @Test
    void waitsForHealthThenStops() throws Exception {
        int port = LlamaServer.freePort();
        LlamaServer server = LlamaServer.start(command(port, "ok"), port, tmp.resolve("ok.log"), Duration.ofSeconds(20));
        assertThat(server.alive()).isTrue();
        assertThat(server.url()).isEqualTo("http://127.0.0.1:" + port);
        server.close();
        assertThat(server.alive()).isFalse();
    }

    @Test
    void aServerThatExitsIsReportedWithItsCodeAndLastLine() throws Exception {
        int port = LlamaServer.freePort();
        assertThatThrownBy(() -> LlamaServer.start(command(port, "crash"), port, tmp.resolve("crash.log"), Duration.ofSeconds(20)))
                .hasMessageContaining("exited with code 3").hasMessageContaining("exiting on purpose");
    }

    @Test
    void aServerThatNeverGetsReadyIsKilled() throws Exception {
        int port = LlamaServer.freePort();
        assertThatThrownBy(() -> LlamaServer.start(command(port, "hang"), port, tmp.resolve("hang.log"), Duration.ofSeconds(2)))
                .hasMessageContaining("not ready within 2 s");
        // the port is free again: nothing was left behind
        try (var s = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertThat(s.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void argumentsOffloadEveryLayerOnlyWithAGpu() {
        var cpu = LlamaServer.arguments(Path.of("m.gguf"), 8080, 4, 256, 4, false);
        assertThat(String.join(" ", cpu)).isEqualTo("-m m.gguf --host 127.0.0.1 --port 8080 -t 4 -c 1024 -np 4");
        assertThat(LlamaServer.arguments(Path.of("m.gguf"), 8080, 4, 256, 1, true)).endsWith("-ngl", "99");
    }

    @Test
    void missingBinariesAreNamed() {
        var b = LlamaCppBinaries.find(tmp.toString());
        assertThat(b.found()).isFalse();
        assertThat(b.problem()).isEqualTo("no llama-server and llama-perplexity in " + tmp);
    }
}
