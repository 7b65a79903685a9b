package dev.bantam.cli;

import dev.bantam.chat.Bantam;
import dev.bantam.chat.ChatSession;
import dev.bantam.chat.LanguageModel;
import dev.bantam.chat.LoadOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

@Command(name = "chat", mixinStandardHelpOptions = true,
        description = {"Chat with a model in the terminal, through its chat template (ChatML when the file has none).",
                "Replies stream as they are produced; each turn computes only what it adds to the conversation.",
                "Commands: /reset, /system TEXT, /exit (or Ctrl-D). Ctrl-C stops the current reply."})
final class ChatCommand implements Callable<Integer> {
    @Mixin
    BackendOption backendOption;

    @Mixin
    SamplingFlags sampling;

    @Option(names = {"-n", "--n-predict"}, paramLabel = "N", defaultValue = "512", description = "Most tokens of one reply (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--system", paramLabel = "TEXT", description = "System prompt.")
    String system;

    @Option(names = {"-p", "--prompt"}, paramLabel = "TEXT", description = "Send TEXT, print the reply and exit (no prompt, no commands).")
    String prompt;

    @Option(names = {"-c", "--ctx-size"}, paramLabel = "N", description = "Context size (default: the model's, at most 4096).")
    Integer contextSize;

    @Override
    public Integer call() throws Exception {
        var options = sampling.options(maxTokens);
        if (contextSize != null && contextSize < 1) throw new UsageException("-c must be >= 1, got " + contextSize);
        if (backendOption.precision != null) throw new UsageException("--precision is not supported by chat (export the ONNX model first)");
        String backend = backendOption.backend().id();
        var path = backendOption.modelOption.resolve();
        Progress.status("loading " + path.getFileName() + " on " + backend);
        LanguageModel model;
        try {
            model = Bantam.load(path, new LoadOptions(backend, backendOption.threads(), contextSize == null ? 0 : contextSize));
        } finally {
            Progress.done();
        }
        try (model) {
            model.notice().ifPresent(n -> System.err.println("bantam: notice: " + n));
            ChatSession chat = model.chat(system).sampling(options);
            PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
            if (prompt != null) {
                chat.stream(prompt, text -> { out.print(text); out.flush(); });
                out.println();
                return 0;
            }
            var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            boolean terminal = System.console() != null && System.console().isTerminal();
            new ChatRepl(chat, in, out, System.err, terminal).run();
            return 0;
        }
    }
}
