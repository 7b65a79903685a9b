package dev.bantam.cli;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code bantam serve} as its users start it: the real command in a child JVM on a free port,
 * queried with the official OpenAI client, then stopped with SIGTERM.
 */
class ServeCommandTest {
    private static final Pattern SERVING = Pattern.compile("bantam: serving (\\S+) at http://([^:/]+):(\\d+)/v1");

    @Test
    void servesTheOpenAiApiOnLoopbackBehindItsApiKey() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process serve = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "dev.bantam.cli.Main",
                "serve", "--port", "0", "-t", "1", "--parallel", "2", "-c", "256", "--api-key", "sesame")
                .redirectErrorStream(true).start();
        try {
            var out = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
            Matcher serving = null;
            StringBuilder seen = new StringBuilder();
            for (String line; serving == null && (line = out.readLine()) != null; ) {
                seen.append(line).append('\n');
                Matcher m = SERVING.matcher(line);
                if (m.find()) serving = m;
            }
            assertThat(serving).as("the server's output:\n%s", seen).isNotNull();
            // keep reading its output so that it never blocks on a full pipe
            Thread.ofVirtual().start(() -> {
                try {
                    out.lines().forEach(l -> {});
                } catch (java.io.UncheckedIOException closedAtTheEnd) {
                    // the test closes the server's output when it is done with it
                }
            });
            String model = serving.group(1), host = serving.group(2);
            int port = Integer.parseInt(serving.group(3));
            assertThat(host).isEqualTo("127.0.0.1");
            String base = "http://127.0.0.1:" + port;

            HttpClient http = HttpClient.newHttpClient();
            assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            var noKey = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/models")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(noKey.statusCode()).isEqualTo(401);
            assertThat(noKey.body()).contains("\"error\"").contains("invalid_api_key");

            OpenAIClient wrong = OpenAIOkHttpClient.builder().baseUrl(base + "/v1").apiKey("open-sesame").build();
            OpenAIClient right = OpenAIOkHttpClient.builder().baseUrl(base + "/v1").apiKey("sesame").build();
            try {
                assertThatThrownBy(() -> wrong.models().list()).isInstanceOf(UnauthorizedException.class);
                assertThat(right.models().list().data()).extracting(m -> m.id()).containsExactly(model);
                var reply = right.chat().completions().create(ChatCompletionCreateParams.builder().model(model)
                        .addUserMessage("Who is Mr Darcy?").maxCompletionTokens(6).temperature(0.0).build());
                assertThat(reply.choices().getFirst().message().content().orElseThrow()).isNotBlank();
                assertThat(reply.usage().orElseThrow().completionTokens()).isEqualTo(6);
            } finally {
                wrong.close();
                right.close();
            }

            // 127.0.0.1 only: the machine's other addresses refuse the port
            Optional<InetAddress> other = otherAddress();
            if (other.isPresent()) {
                assertThatThrownBy(() -> {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress(other.get(), port), 2000);
                    }
                }).isInstanceOf(ConnectException.class);
            }
        } finally {
            serve.destroy();
            assertThat(serve.waitFor(30, TimeUnit.SECONDS)).as("bantam serve stops on SIGTERM").isTrue();
        }
    }

    /** An IPv4 address of this machine that is not loopback, if it has one. */
    private static Optional<InetAddress> otherAddress() throws Exception {
        for (NetworkInterface n : List.copyOf(NetworkInterface.networkInterfaces().toList())) {
            if (!n.isUp() || n.isLoopback()) continue;
            for (InetAddress a : List.copyOf(n.inetAddresses().toList())) if (a instanceof Inet4Address) return Optional.of(a);
        }
        return Optional.empty();
    }
}
