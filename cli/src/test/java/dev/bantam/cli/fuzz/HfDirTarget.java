package dev.bantam.cli.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * A Hugging Face folder (a text model's for {@code bantam convert}, a game network's for
 * {@code bantam convert-game}) with one of its files mutated: a safetensors file or shard, config.json,
 * tokenizer.json, tokenizer_config.json, the shard index; or a file left out. The other files are
 * hard links to the seed's. A converted mutant goes on through {@code info} (or {@code play}); a
 * failed conversion must leave nothing in its output folder.
 */
final class HfDirTarget implements Target {
    private static final Map<String, Integer> WEIGHT = Map.of("config.json", 3, "tokenizer.json", 2, "tokenizer_config.json", 1,
            "model.safetensors.index.json", 2, "generation_config.json", 0);

    private final Path seed;
    private final boolean game;
    private final Path mutant;
    private final Path outDir;
    private final Path out;
    private final List<String> files = new ArrayList<>();
    private final Map<String, Object> mutators = new LinkedHashMap<>();
    private final List<String> weighted = new ArrayList<>();

    HfDirTarget(Path seed, Path work) throws IOException {
        this.seed = seed;
        this.game = seed.toString().contains("game");
        this.mutant = work.resolve("hf-mutant");
        this.outDir = work.resolve("hf-out");
        this.out = outDir.resolve("out.gguf");
        try (Stream<Path> list = Files.list(seed)) {
            for (Path p : list.sorted().toList()) {
                String name = p.getFileName().toString();
                if (name.endsWith(".onnx") || name.endsWith(".gguf") || name.equals("golden.json")) continue; // not read by the converters
                files.add(name);
                byte[] bytes = Files.readAllBytes(p);
                mutators.put(name, name.endsWith(".safetensors") ? new SafetensorsMutator(bytes) : new JsonMutator(bytes, 20_000));
                int w = name.endsWith(".safetensors") ? 4 : WEIGHT.getOrDefault(name, 1);
                for (int i = 0; i < w; i++) weighted.add(name);
            }
        }
    }

    @Override public String family() { return "safetensors"; }

    @Override public Path seed() { return seed; }

    @Override public Path mutant() { return mutant; }

    @Override
    public String mutate(Random r) throws IOException {
        clear(mutant);
        clear(outDir);
        String target = weighted.get(r.nextInt(weighted.size()));
        boolean drop = r.nextInt(30) == 0;
        for (String f : files) if (!f.equals(target)) link(seed.resolve(f), mutant.resolve(f));
        if (drop) return target + " left out";
        Object m = mutators.get(target);
        if (m instanceof SafetensorsMutator s) {
            SafetensorsMutator.Result res = s.mutate(r);
            Files.write(mutant.resolve(target), res.bytes());
            return target + ": " + res.what();
        }
        JsonMutator.Mutant res = ((JsonMutator) m).mutate(r, null);
        Files.write(mutant.resolve(target), res.bytes());
        return target + ": " + res.what();
    }

    @Override
    public List<Step> steps() {
        String o = out.toString();
        return game
                ? List.of(Step.always("convert-game", mutant.toString(), o, "--record-start", "^"),
                          Step.afterSuccess("play", "-m", o, "--human", "none", "--simulations", "2"))
                : List.of(Step.always("convert", mutant.toString(), o, "-t", "1"),
                          Step.afterSuccess("info", "-m", o));
    }

    @Override
    public String check(Step step, int code) throws IOException {
        if (!step.args()[0].startsWith("convert") || code == 0) return null;
        try (Stream<Path> left = Files.list(outDir)) {
            List<String> names = left.map(p -> p.getFileName().toString()).toList();
            return names.isEmpty() ? null : "output left behind after exit " + code + ": " + names;
        }
    }

    @Override
    public void keep(Path keep) throws IOException {
        Files.createDirectories(keep);
        try (Stream<Path> list = Files.list(mutant)) {
            for (Path p : list.toList()) Files.copy(p, keep.resolve(p.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void link(Path from, Path to) throws IOException {
        try {
            Files.createLink(to, from);
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(from, to);
        }
    }

    static void clear(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) if (!p.equals(dir)) Files.delete(p);
            }
        }
        Files.createDirectories(dir);
    }
}
