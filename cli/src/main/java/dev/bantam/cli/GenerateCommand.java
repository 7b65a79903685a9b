package dev.bantam.cli;

import dev.bantam.core.generate.GenerationStats;
import dev.bantam.core.generate.Generator;
import dev.bantam.core.generate.Sampler;
import dev.bantam.core.generate.SamplerSettings;
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

    @Option(names = "--temp", paramLabel = "T", defaultValue = "0.8", description = "Temperature; 0 = greedy (default: ${DEFAULT-VALUE}).")
    float temperature;

    @Option(names = "--top-k", paramLabel = "K", defaultValue = "40", description = "Keep the K most likely tokens; 0 = off (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--top-p", paramLabel = "P", defaultValue = "0.95", description = "Nucleus sampling; 1 = off (default: ${DEFAULT-VALUE}).")
    float topP;

    @Option(names = "--min-p", paramLabel = "P", defaultValue = "0.05", description = "Drop tokens below P × the top probability; 0 = off (default: ${DEFAULT-VALUE}).")
    float minP;

    @Option(names = "--repeat-penalty", paramLabel = "R", defaultValue = "1.0", description = "Penalize the last 64 tokens; 1 = off (default: ${DEFAULT-VALUE}).")
    float repeatPenalty;

    @Option(names = {"-s", "--seed"}, paramLabel = "SEED", description = "Random seed (default: random).")
    Long seed;

    @Option(names = "--no-warmup", description = "Skip the warm-up pass that lets the JIT compile the kernels before timing.")
    boolean noWarmup;

    @Option(names = "--no-bos", description = "Do not add the BOS token even when the model asks for it.")
    boolean noBos;

    @Override
    public Integer call() throws Exception {
        validate();
        try (InferenceSession session = backendOption.open(contextSize == null ? 0 : contextSize)) {
            var tokenizer = session.tokenizer();
            int[] tokens = tokenizer.encode(prompt, tokenizer.addBosByDefault() && !noBos, true);
            if (tokens.length == 0) throw new UsageException("the prompt is empty");
            if (tokens.length >= session.contextSize()) {
                throw new UsageException("the prompt has %d tokens but the context holds %d (raise -c or shorten -p)"
                        .formatted(tokens.length, session.contextSize()));
            }
            long seedValue = seed != null ? seed : new java.util.SplittableRandom().nextLong();
            var settings = new SamplerSettings(temperature, topK, topP, minP, repeatPenalty, 64, seedValue);
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

    private void validate() {
        if (maxTokens < 1) throw new UsageException("-n must be >= 1, got " + maxTokens);
        if (contextSize != null && contextSize < 1) throw new UsageException("-c must be >= 1, got " + contextSize);
        if (temperature < 0) throw new UsageException("--temp must be >= 0, got " + temperature);
        if (topP <= 0 || topP > 1) throw new UsageException("--top-p must be in (0, 1], got " + topP);
        if (minP < 0 || minP >= 1) throw new UsageException("--min-p must be in [0, 1), got " + minP);
        if (repeatPenalty <= 0) throw new UsageException("--repeat-penalty must be > 0, got " + repeatPenalty);
    }
}
