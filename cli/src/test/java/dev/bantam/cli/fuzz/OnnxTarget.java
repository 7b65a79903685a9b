package dev.bantam.cli.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Random;

/**
 * An ONNX file through the ONNX Runtime backend: a text model from {@code export-onnx} through
 * {@code generate --backend onnx-cpu}, a policy/value network through {@code play --backend onnx-cpu}.
 */
final class OnnxTarget implements Target {
    private final Path seed;
    private final OnnxMutator mutator;
    private final Path mutant;

    OnnxTarget(Path seed, Path work) throws IOException {
        this.seed = seed;
        this.mutator = new OnnxMutator(Files.readAllBytes(seed));
        this.mutant = work.resolve("mutant.onnx");
    }

    @Override public String family() { return "onnx"; }

    @Override public Path seed() { return seed; }

    @Override
    public String mutate(Random r) throws IOException {
        OnnxMutator.Result res = mutator.mutate(r);
        Files.write(mutant, res.bytes());
        return res.what();
    }

    @Override public Path mutant() { return mutant; }

    @Override
    public List<Step> steps() {
        String m = mutant.toString();
        return List.of(seed.toString().contains("game")
                ? Step.always("play", "--backend", "onnx-cpu", "-m", m, "--human", "none", "--simulations", "2", "-t", "1")
                : Step.always("generate", "--backend", "onnx-cpu", "-m", m, "-p", "It is a truth", "-n", "2", "-t", "1", "--no-warmup", "-s", "1"));
    }

    @Override
    public void keep(Path keep) throws IOException {
        Files.copy(mutant, keep.resolveSibling(keep.getFileName() + ".onnx"), StandardCopyOption.REPLACE_EXISTING);
    }
}
