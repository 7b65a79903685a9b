package dev.bantam.convert.hf;

import dev.bantam.core.gguf.GgufValue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One row of the Hugging Face → GGUF table ({@link HfArchitectures}): which config classes it
 * serves, where each GGUF key comes from, how tensor names map, and which transforms apply.
 * Architectures differ by these values, not by code.
 *
 * @param gguf           {@code general.architecture}
 * @param hfClasses      the {@code architectures} entries of config.json that select this row
 * @param defaults       values of the transformers config class for keys a file may leave out
 * @param prefixes       name rewrites applied first, {@code from → to} (a multimodal checkpoint's language model)
 * @param ignored        HF tensors with no GGUF counterpart (vision towers, cached buffers)
 * @param names          HF name stem → GGUF stem; {@code N} stands for the layer number, the
 *                       {@code .weight}/{@code .bias} suffix is kept
 * @param globalTensors  GGUF tensors every file of this architecture needs (output is added when untied)
 * @param blockTensors   GGUF tensors every block needs, without the {@code blk.N.} prefix
 * @param tiedByDefault  transformers' default of {@code tie_word_embeddings} for this config class
 * @param transforms     what happens to the values on the way
 * @param keys           the metadata keys, in llama.cpp's order; names without a dot-prefixed
 *                       namespace get {@code gguf + "."}
 * @param checks         config values GGUF cannot represent: refused with one line
 */
record HfArchitecture(
        String gguf,
        List<String> hfClasses,
        Map<String, Object> defaults,
        Map<String, String> prefixes,
        List<Pattern> ignored,
        Map<String, String> names,
        List<String> globalTensors,
        List<String> blockTensors,
        boolean tiedByDefault,
        Set<Transform> transforms,
        List<Key> keys,
        List<Check> checks) {

    enum Transform {
        /** q/k rows reordered for adjacent-pair rope ({@link RowTransforms#ropePermuted}). */
        PERMUTE_QK,
        /** {@code 1 + w} on every {@code *norm.weight} ({@link RowTransforms#plusOne}). */
        NORMS_PLUS_ONE,
        /** GPT-2's Conv1D weights, stored {@code [in, out]}, transposed ({@link RowTransforms#transposed}). */
        CONV1D,
        /** llama.cpp's gpt2 loader requires {@code output.weight}: a tied checkpoint gets a copy of the embedding. */
        OUTPUT_COPY_OF_EMBEDDING,
        /** {@code rope_freqs.weight} from llama3 rope scaling. */
        LLAMA3_ROPE_FREQS,
        /** {@code rope_factors_long/short.weight} from Phi-3's longrope scaling. */
        LONGROPE_FACTORS,
    }

    /** Where one metadata value comes from; empty when the config has nothing to say. */
    @FunctionalInterface
    interface Source {
        Optional<GgufValue> value(HfConfig c) throws HfFormatException;
    }

    record Key(String name, Source source) {}

    @FunctionalInterface
    interface Check {
        void check(HfConfig c) throws HfFormatException;
    }

    /** The full GGUF key name of {@code k}. */
    String keyName(Key k) {
        return k.name().startsWith("general.") ? k.name() : gguf + "." + k.name();
    }
}
