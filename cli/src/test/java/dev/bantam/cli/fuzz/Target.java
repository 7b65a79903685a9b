package dev.bantam.cli.fuzz;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * One seed of the mutation run (a GGUF file, an ONNX file or a Hugging Face folder) with the
 * commands a user would run on it. {@link #mutate} writes a fresh mutant to {@link #mutant()};
 * the harness then runs {@link #steps()} in order on it.
 */
interface Target {
    /** One command line; {@code onlyAfterSuccess}: run it only when the step before exited 0. */
    record Step(String[] args, boolean onlyAfterSuccess) {
        static Step always(String... args) { return new Step(args, false); }
        static Step afterSuccess(String... args) { return new Step(args, true); }
    }

    /** "gguf", "onnx" or "safetensors": the counts of the summary are per family. */
    String family();

    Path seed();

    /** Writes one mutant; returns a short description of what was changed. */
    String mutate(Random r) throws IOException;

    /** The file or folder the commands read. */
    Path mutant();

    List<Step> steps();

    /** What is wrong once {@code step} exited with {@code code} (a partial output left behind), or null. */
    default String check(Step step, int code) throws IOException { return null; }

    /** Copies the current mutant to {@code keep} (a file or a folder), for a defect's record. */
    void keep(Path keep) throws IOException;
}
