package dev.bantam.cli;

import dev.bantam.core.gguf.GgufFile;
import dev.bantam.core.gguf.GgufTensorInfo;
import dev.bantam.core.gguf.GgufValue;
import dev.bantam.core.gguf.GgufWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ChatCommandTest {
    private static final String NOTICE = "bantam: notice: austen-llama-7m-q8_0.gguf has no chat template (tokenizer.chat_template); using ChatML";

    @Test
    void promptRunsOneTurnAndSaysTheTemplateIsChatMl() {
        CliRun a = CliRun.of("chat", "--prompt", "Who is Mr Darcy?", "-n", "16", "--temp", "0", "-t", "1");
        CliRun b = CliRun.of("chat", "--system", "Be brief.", "--prompt", "Who is Mr Darcy?", "-n", "16", "--temp", "0", "-t", "1");
        assertThat(a.exitCode()).as(a.err()).isZero();
        assertThat(a.out().strip()).isNotEmpty();
        assertThat(a.errLines().strip()).isEqualTo(NOTICE);
        assertThat(b.exitCode()).isZero();
        assertThat(b.out()).isNotEqualTo(a.out());
    }

    @Test
    void aPipedConversationRunsTheCommands() {
        CliRun run = CliRun.withInput("Hello\n/system Be kind.\nHi again\n/bogus\n/reset\nOnce more\n/exit\nnever read\n",
                "chat", "-n", "8", "-s", "3", "-t", "1");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("(system prompt set; conversation cleared)", "(conversation cleared)")
                .doesNotContain(ChatRepl.PROMPT); // no prompt when stdin is not a terminal
        assertThat(run.errLines()).contains("bantam: unknown command /bogus (commands: /reset");
        assertThat(run.out().lines().filter(l -> !l.startsWith("(")).count()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void endOfInputEndsTheChat() {
        CliRun run = CliRun.withInput("Hello\n", "chat", "-n", "4", "-t", "1");
        assertThat(run.exitCode()).as(run.err()).isZero();
    }

    @Test
    void aTemplateErrorIsOneLineWithTheTemplatesMessage(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("refuses.gguf");
        try (GgufFile in = GgufFile.open(dev.bantam.testing.Fixtures.path("tiny/llama-tiny/llama-tiny-f32.gguf"))) {
            GgufWriter w = new GgufWriter().putAll(in.metadata())
                    .put("tokenizer.chat_template", GgufValue.of("{{ raise_exception('This model does not chat.') }}"));
            for (GgufTensorInfo t : in.tensorInfos()) w.addTensor(t.name(), t.type(), t.shape(), in.tensor(t.name()).data());
            w.write(model);
        }
        CliRun once = CliRun.of("chat", "-m", model.toString(), "--prompt", "hi", "-t", "1");
        assertThat(once.exitCode()).isEqualTo(2);
        assertThat(once.errLines().strip()).isEqualTo("bantam: chat template: This model does not chat.");
        // interactively the error is reported and the chat goes on
        CliRun chat = CliRun.withInput("hi\n/exit\n", "chat", "-m", model.toString(), "-t", "1");
        assertThat(chat.exitCode()).isZero();
        assertThat(chat.errLines()).contains("bantam: chat template: This model does not chat.");
    }

    @Test
    void badFlagsAreUsageErrors() {
        assertThat(CliRun.of("chat", "--temp", "-1", "--prompt", "x").errLines()).contains("bantam: --temp must be >= 0, got -1.0");
        CliRun backend = CliRun.of("chat", "--backend", "warp", "--prompt", "x");
        assertThat(backend.exitCode()).isEqualTo(2);
        assertThat(backend.errLines()).contains("--backend: unknown backend 'warp'");
    }
}
