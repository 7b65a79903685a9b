package dev.bantam.study.llamacpp;

import dev.bantam.core.backend.InferenceBackend;
import dev.bantam.core.backend.InferenceSession;
import dev.bantam.core.backend.ModelSource;
import dev.bantam.core.backend.SessionOptions;

/**
 * llama.cpp as a study backend ({@code llama.cpp}): listed here so that {@code bantam backends}
 * and the study's manifest say whether and which llama.cpp was found. It has no in-process
 * session: the study measures its speed through {@code llama-server} ({@link LlamaServer}, the
 * openai path) and its accuracy with {@code llama-perplexity} ({@link PerplexityOutput}).
 */
public final class LlamaCppBackend implements InferenceBackend {
    public static final String ID = "llama.cpp";

    @Override
    public String id() { return ID; }

    @Override
    public Availability availability() {
        var b = LlamaCppBinaries.get();
        return b.found() ? Availability.yes() : Availability.no(b.problem());
    }

    @Override
    public String version() { return LlamaCppBinaries.get().version(); }

    @Override
    public InferenceSession open(ModelSource model, SessionOptions options) {
        throw new IllegalArgumentException("the llama.cpp backend runs only inside 'bantam study' (through llama-server and llama-perplexity); use llama.cpp's own tools directly");
    }
}
