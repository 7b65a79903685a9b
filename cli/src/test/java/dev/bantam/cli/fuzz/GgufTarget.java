package dev.bantam.cli.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Random;

/** A fixture GGUF through {@code info} and {@code generate} (text models) or {@code play} (game heads). */
final class GgufTarget implements Target {
    private final Path seed;
    private final Mutator mutator;
    private final Path mutant;

    GgufTarget(Path seed, Path work) throws IOException {
        this.seed = seed;
        this.mutator = new Mutator(seed, Files.readAllBytes(seed));
        this.mutant = work.resolve("mutant.gguf");
    }

    @Override public String family() { return "gguf"; }

    @Override public Path seed() { return seed; }

    @Override public String mutate(Random r) throws IOException { return mutator.mutate(r, mutant); }

    @Override public Path mutant() { return mutant; }

    @Override
    public List<Step> steps() {
        String m = mutant.toString();
        return List.of(Step.always("info", "-m", m),
                seed.toString().contains("game")
                        ? Step.always("play", "-m", m, "--human", "none", "--simulations", "2")
                        : Step.always("generate", "-m", m, "-p", "It is a truth", "-n", "2", "-t", "1", "--no-warmup", "-s", "1"));
    }

    @Override
    public void keep(Path keep) throws IOException {
        Files.copy(mutant, keep.resolveSibling(keep.getFileName() + ".gguf"), StandardCopyOption.REPLACE_EXISTING);
    }
}
