package dev.bantam.cli;

import dev.bantam.core.eval.Perplexity;
import dev.bantam.core.backend.InferenceSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "perplexity", mixinStandardHelpOptions = true,
        description = {"Perplexity of a model on a text file, computed as llama.cpp's perplexity tool does:",
                "non-overlapping windows of -c tokens, the second half of each window scored."})
final class PerplexityCommand implements Callable<Integer> {
    @Mixin
    BackendOption backendOption;

    @Option(names = {"-f", "--file"}, paramLabel = "TEXT", required = true, description = "UTF-8 text file to score.")
    Path file;

    @Option(names = {"-c", "--ctx-size"}, paramLabel = "N", defaultValue = "512", description = "Window size in tokens (default: ${DEFAULT-VALUE}).")
    int contextSize;

    @Override
    public Integer call() throws Exception {
        if (contextSize < 4) throw new UsageException("-c must be >= 4, got " + contextSize);
        String text = Files.readString(file, StandardCharsets.UTF_8);
        try (InferenceSession session = backendOption.open(contextSize)) {
            var tokenizer = session.tokenizer();
            Progress.status("tokenizing " + file.getFileName());
            int[] tokens = tokenizer.encode(text, tokenizer.addBosByDefault(), false);
            Progress.done();
            int windows = tokens.length / contextSize;
            System.err.printf("%s: %d tokens, %d windows of %d%n", file.getFileName(), tokens.length, windows, contextSize);
            long start = System.nanoTime();
            var result = Perplexity.compute(session, tokens, contextSize,
                    tokenizer.addBosByDefault() ? tokenizer.bosId() : -1,
                    r -> Progress.status("[%d/%d] PPL %.4f, %.1f s".formatted(r.windows(), windows, r.ppl(), (System.nanoTime() - start) / 1e9)));
            Progress.done();
            System.out.printf("PPL = %.4f +/- %.5f%n", result.ppl(), result.error());
            System.err.printf("%d tokens scored in %d windows, %.1f s, %s, %d threads%n", result.scoredTokens(), result.windows(),
                    (System.nanoTime() - start) / 1e9, backendOption.backend, backendOption.threads());
        }
        return 0;
    }
}
