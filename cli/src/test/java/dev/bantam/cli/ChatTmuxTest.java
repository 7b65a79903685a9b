package dev.bantam.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code bantam chat} as a person uses it, in a real terminal: tmux runs it, send-keys types,
 * capture-pane reads the screen. Skipped where tmux is not installed.
 */
class ChatTmuxTest {
    private static final String SESSION = "bantam-chat-test-" + ProcessHandle.current().pid();

    @Test
    void typeAReplyStreamsCtrlCStopsItAndExitLeaves() throws Exception {
        assumeTrue(tmuxAvailable(), "tmux is not installed");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String command = String.join(" ", List.of(quote(java), "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-cp", quote(System.getProperty("java.class.path")), "dev.bantam.cli.Main", "chat", "-n", "1000", "-s", "1", "-t", "1",
                "--system", quote("You tell long stories.")))
                + "; echo CHAT-EXITED-$?; sleep 60";
        Path script = Files.createTempFile("bantam-chat", ".sh");
        Files.writeString(script, command + "\n", StandardCharsets.UTF_8);
        try {
            tmux("new-session", "-d", "-s", SESSION, "-x", "160", "-y", "50", "bash " + script);
            String screen = waitFor(s -> s.contains(ChatRepl.PROMPT.strip()), 90);
            assertThat(screen).contains("bantam chat: commands: /reset");

            tmux("send-keys", "-t", SESSION, "Tell me about Emma and her friends", "Enter");
            // the reply streams: text appears below the question before the reply is done
            waitFor(s -> afterQuestion(s).strip().length() > 20, 60);
            tmux("send-keys", "-t", SESSION, "C-c");
            screen = waitFor(s -> s.contains("(stopped)") || s.contains("(Ctrl-C stops a reply"), 30);
            assertThat(screen).doesNotContain("CHAT-EXITED");

            tmux("send-keys", "-t", SESSION, "/reset", "Enter");
            waitFor(s -> s.contains("(conversation cleared)"), 30);
            tmux("send-keys", "-t", SESSION, "/exit", "Enter");
            screen = waitFor(s -> s.contains("CHAT-EXITED-"), 30);
            assertThat(screen).contains("CHAT-EXITED-0");
        } finally {
            new ProcessBuilder("tmux", "kill-session", "-t", SESSION).start().waitFor();
            Files.deleteIfExists(script);
        }
    }

    private static String afterQuestion(String screen) {
        int at = screen.lastIndexOf("Tell me about Emma and her friends");
        return at < 0 ? "" : screen.substring(at + "Tell me about Emma and her friends".length());
    }

    private static String waitFor(Predicate<String> condition, int seconds) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        String screen = "";
        while (System.nanoTime() < deadline) {
            screen = capture();
            if (condition.test(screen)) return screen;
            Thread.sleep(50);
        }
        throw new AssertionError("timed out after " + seconds + " s; the screen:\n" + screen);
    }

    private static String capture() throws Exception {
        Process p = new ProcessBuilder("tmux", "capture-pane", "-p", "-J", "-S", "-200", "-t", SESSION).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    private static void tmux(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("tmux"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new AssertionError("tmux " + String.join(" ", args) + ": " + out);
    }

    private static boolean tmuxAvailable() {
        try {
            return new ProcessBuilder("tmux", "-V").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
