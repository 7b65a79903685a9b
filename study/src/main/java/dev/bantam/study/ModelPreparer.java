package dev.bantam.study;

import dev.bantam.convert.Quantizer;
import dev.bantam.convert.SynthModel;
import dev.bantam.convert.SynthShape;
import dev.bantam.core.gguf.GgufFile;
import dev.bantam.core.kernels.ThreadPool;
import dev.bantam.core.tensor.WeightType;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import java.util.function.Function;

/**
 * Turns a spec's model names into files: a GGUF path, an embedded model (through the resolver
 * the CLI provides), or {@code synth:PRESET} (seeded random weights of a real shape, F32). A
 * variant that needs another weight type gets a converted copy with every matrix in that type
 * ({@code quantize --pure}: a {@code q4_k} variant is the same file on every backend that runs
 * it), kept in a cache directory keyed by the source's SHA-256 so a second study reuses it. A
 * type with llama.cpp's {@code _m} suffix ({@code q4_k_m}, {@code q5_k_m}) gets that mix instead
 * (plain {@code quantize}), the files most people download.
 */
public final class ModelPreparer {
    private final Path cacheDir;
    private final Function<String, Path> resolver;
    private final int threads;

    /** {@code resolver} maps a name that is not a synth preset to a model file (or throws). */
    public ModelPreparer(Path cacheDir, Function<String, Path> resolver, int threads) {
        this.cacheDir = cacheDir;
        this.resolver = resolver;
        this.threads = threads;
    }

    public static final String SYNTH = "synth:";
    /** llama.cpp's name for its mixes: {@code q4_k_m} is Q4_K with Q6_K where it matters most. */
    static final String MIX_SUFFIX = "_m";

    public Path resolve(String ref) throws IOException {
        if (!ref.startsWith(SYNTH)) return resolver.apply(ref);
        String preset = ref.substring(SYNTH.length());
        SynthShape shape = SynthShape.preset(preset).orElseThrow(() -> new IllegalArgumentException(
                "models: unknown synth preset '%s' (known: %s)".formatted(preset, SynthShape.presetNames())));
        Path out = cacheDir.resolve("synth-" + preset + "-f32.gguf");
        if (!Files.exists(out)) {
            Files.createDirectories(cacheDir);
            Path tmp = Files.createTempFile(cacheDir, "synth-", ".part");
            try (ThreadPool pool = new ThreadPool(threads)) {
                SynthModel.write(shape, WeightType.F32, 1, tmp, pool, (done, total, tensor) -> {});
            }
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
        }
        return out;
    }

    /** {@code source} with its matrices in {@code type} (the source itself when it already is). */
    public Path convert(Path source, String type) throws IOException {
        boolean mix = type.endsWith(MIX_SUFFIX);
        String base = mix ? type.substring(0, type.length() - MIX_SUFFIX.length()) : type;
        WeightType target;
        try {
            target = WeightType.valueOf(base.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown weight type '" + type + "' (expected a GGUF type such as q8_0, or q4_k_m / q5_k_m for llama.cpp's mixes)");
        }
        try (GgufFile in = GgufFile.open(source)) {
            if (!mix && dominantType(in) == target) return source;
            Path out = cacheDir.resolve(sha256(source).substring(0, 16) + "-" + base + (mix ? "-mix.gguf" : "-pure.gguf"));
            if (Files.exists(out)) return out;
            Files.createDirectories(cacheDir);
            Path tmp = Files.createTempFile(cacheDir, "convert-", ".part");
            try (ThreadPool pool = new ThreadPool(threads)) {
                Quantizer.plan(in, target, !mix).write(in, tmp, pool, (done, total, tensor) -> {});
            }
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return out;
        }
    }

    /** The type most of the file's matrix bytes are stored in. */
    static WeightType dominantType(GgufFile file) {
        var bytes = new java.util.EnumMap<WeightType, Long>(WeightType.class);
        for (var t : file.tensorInfos()) if (t.shape().length > 1) bytes.merge(t.type(), t.byteSize(), Long::sum);
        return bytes.entrySet().stream().max(java.util.Map.Entry.comparingByValue()).map(java.util.Map.Entry::getKey).orElse(WeightType.F32);
    }

    public static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
