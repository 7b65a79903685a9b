package dev.bantam.cli;

import dev.bantam.core.generate.GenerationStats;
import dev.bantam.core.generate.Generator;
import dev.bantam.core.generate.Sampler;
import dev.bantam.core.backend.InferenceSession;
import dev.bantam.core.tokenizer.StreamingDecoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate text from a prompt, streaming it to stdout. A timing line goes to stderr.")
final class GenerateCommand implements Callable<Integer> {
    static final String DEFAULT_PROMPT = "It is a truth universally acknowledged";

    @Mixin
    BackendOption backendOption;

    @Option(names = {"-p", "--prompt"}, paramLabel = "TEXT", defaultValue = DEFAULT_PROMPT,
            description = "Prompt text (default: \"${DEFAULT-VALUE}\").")
    String prompt;

    @Option(names = {"-n", "--n-predict"}, paramLabel = "N", defaultValue = "128", description = "Tokens to generate (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = {"-c", "--ctx-size"}, paramLabel = "N", description = "Context size (default: the model's, at most 4096).")
    Integer contextSize;

    @Mixin
    SamplingFlags sampling;

    @Option(names = "--no-warmup", description = "Skip the warm-up pass that lets the JIT compile the kernels before timing.")
    boolean noWarmup;

    @Option(names = "--no-bos", description = "Do not add the BOS token even when the model asks for it.")
    boolean noBos;

    @Override
    public Integer call() throws Exception {
        if (maxTokens < 1) throw new UsageException("-n must be >= 1, got " + maxTokens);
        if (contextSize != null && contextSize < 1) throw new UsageException("-c must be >= 1, got " + contextSize);
        long seedValue = sampling.seedOrRandom();
        var settings = sampling.settings(seedValue);
        try (InferenceSession session = backendOption.open(contextSize == null ? 0 : contextSize)) {
            var tokenizer = session.tokenizer();
            int[] tokens = tokenizer.encode(prompt, tokenizer.addBosByDefault() && !noBos, true);
            if (tokens.length == 0) throw new UsageException("the prompt is empty");
            if (tokens.length >= session.contextSize()) {
                throw new UsageException("the prompt has %d tokens but the context holds %d (raise -c or shorten -p)"
                        .formatted(tokens.length, session.contextSize()));
            }
            if (!noWarmup) session.warmUp();
            PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
            out.print(prompt);
            out.flush();
            StreamingDecoder decoder = new StreamingDecoder(tokenizer, false);
            GenerationStats stats = Generator.generate(session, tokenizer, tokens, maxTokens, new Sampler(settings), id -> {
                out.print(decoder.feed(id));
                out.flush();
            });
            out.print(decoder.flush());
            out.println();
            out.flush();
            System.err.printf("prompt: %d tokens, %.1f tok/s | generated: %d tokens, %.1f tok/s | %s, %d threads, seed %d%n",
                    stats.promptTokens(), stats.promptTokensPerSecond(), stats.generatedTokens(),
                    stats.decodeTokensPerSecond(), backendOption.backend, backendOption.threads(), seedValue);
        }
        return 0;
    }
}
