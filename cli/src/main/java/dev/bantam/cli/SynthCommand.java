package dev.bantam.cli;

import dev.bantam.convert.SynthModel;
import dev.bantam.convert.SynthShape;
import dev.bantam.core.kernels.ThreadPool;
import dev.bantam.core.tensor.WeightType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "synth", mixinStandardHelpOptions = true,
        description = {"Write a random-weight GGUF model of a real shape, for benchmarks without downloads.",
                "Start from --preset and override any dimension, or give every dimension."})
final class SynthCommand implements Callable<Integer> {
    @Option(names = "--preset", paramLabel = "NAME", description = "gpt2-124m, llama-1b (Llama 3.2 1B), qwen2-0.5b, llama-7b.")
    String preset;

    @Option(names = "--arch", paramLabel = "ARCH", description = "llama, mistral, qwen2 or gpt2 (default: the preset's).")
    String arch;

    @Option(names = "--dim", paramLabel = "N", description = "Embedding width.") Integer dim;
    @Option(names = "--layers", paramLabel = "N", description = "Transformer blocks.") Integer layers;
    @Option(names = "--heads", paramLabel = "N", description = "Attention heads.") Integer heads;
    @Option(names = "--kv-heads", paramLabel = "N", description = "Key/value heads (GQA; default: heads).") Integer kvHeads;
    @Option(names = "--ffn", paramLabel = "N", description = "Feed-forward width.") Integer ffn;
    @Option(names = "--vocab", paramLabel = "N", description = "Vocabulary size (>= 257).") Integer vocab;
    @Option(names = "--ctx", paramLabel = "N", description = "Context length.") Integer ctx;

    @Option(names = "--type", paramLabel = "TYPE", defaultValue = "f16", description = "Weight type of the matrices (default: ${DEFAULT-VALUE}).")
    String type;

    @Option(names = {"-s", "--seed"}, paramLabel = "SEED", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "Threads (default: all cores).")
    Integer threads;

    @Option(names = "--force", description = "Overwrite OUT if it exists.")
    boolean force;

    @Parameters(paramLabel = "OUT.gguf", description = "The file to write.")
    Path out;

    @Override
    public Integer call() throws Exception {
        WeightType weightType = WeightTypes.parse(type, "--type");
        SynthShape shape = shape();
        OutputFile.checkWritable(out, force);
        int n = ThreadCount.of(threads);
        System.err.printf("synth %s %s: d=%d, %d layers, %d heads (%d kv), ffn %d, vocab %d, %,d parameters%n",
                shape.arch(), weightType.name().toLowerCase(), shape.dim(), shape.layers(), shape.heads(), shape.kvHeads(),
                shape.ffn(), shape.vocab(), shape.parameters());
        try (ThreadPool pool = new ThreadPool(n); ByteProgress progress = new ByteProgress("synth")) {
            SynthModel.write(shape, weightType, seed, out, pool, progress);
        }
        OutputFile.reportWritten(out);
        return 0;
    }

    private SynthShape shape() {
        SynthShape base = null;
        if (preset != null) {
            base = SynthShape.preset(preset).orElseThrow(() -> new UsageException(
                    "--preset: unknown preset '%s' (known: %s)".formatted(preset, SynthShape.presetNames())));
        } else if (arch == null || dim == null || layers == null || heads == null || ffn == null || vocab == null || ctx == null) {
            throw new UsageException("give --preset NAME, or all of --arch --dim --layers --heads --ffn --vocab --ctx");
        }
        int h = heads != null ? heads : base.heads();
        SynthShape s = new SynthShape(
                arch != null ? arch : base.arch(),
                dim != null ? dim : base.dim(),
                layers != null ? layers : base.layers(),
                h,
                kvHeads != null ? kvHeads : heads != null ? h : base.kvHeads(),
                ffn != null ? ffn : base.ffn(),
                vocab != null ? vocab : base.vocab(),
                ctx != null ? ctx : base.context(),
                base != null ? base.ropeTheta() : 10000,
                base != null ? base.normEps() : 1e-5f,
                base != null ? base.tiedOutput() : arch.equals("gpt2"));
        if (s.dim() < 1 || s.layers() < 1 || s.heads() < 1 || s.kvHeads() < 1 || s.ffn() < 1 || s.context() < 1) {
            throw new UsageException("every dimension must be >= 1");
        }
        if (s.vocab() < 257) throw new UsageException("--vocab must be >= 257 (byte-level vocabulary), got " + s.vocab());
        if (s.dim() % s.heads() != 0 || s.heads() % s.kvHeads() != 0) {
            throw new UsageException("--heads %d must divide --dim %d and be a multiple of --kv-heads %d".formatted(s.heads(), s.dim(), s.kvHeads()));
        }
        if (dev.bantam.core.model.Architecture.byName(s.arch()).isEmpty()) {
            throw new UsageException("--arch: unsupported architecture '%s' (supported: %s)".formatted(s.arch(), dev.bantam.core.model.Architecture.supportedNames()));
        }
        return s;
    }
}
