package dev.bantam.convert.hf;

import dev.bantam.core.kernels.ThreadPool;
import dev.bantam.core.tensor.WeightType;

import java.nio.file.Path;

/** Runs the converter in-process for tests. */
final class Conversions {
    static final String[] ARCH_FIXTURES = {"llama31-tiny", "qwen3-tiny", "gemma3-tiny", "phi3-tiny"};

    private Conversions() {}

    static Path convert(Path hfDir, Path out, WeightType type) throws Exception {
        try (HfConverter c = HfConverter.plan(hfDir, new HfConverter.Options(type, false, false)); ThreadPool pool = new ThreadPool(2)) {
            c.write(out, false, pool, (done, total, t) -> {});
        }
        return out;
    }
}
