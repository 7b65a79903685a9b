package dev.bantam.core.model;

import dev.bantam.core.gguf.GgufFile;
import dev.bantam.core.tokenizer.Tokenizer;
import dev.bantam.core.tokenizer.Tokenizers;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A GGUF model as every backend and tool opens it: the mapped file, and from it the
 * {@link ModelConfig}, the {@link Tokenizer} and the {@link Weights}, each built once. Backends
 * derive their own forms from these (the CPU engine its column-major copies, CUDA its device
 * layout, the ONNX exporter its initializers); nothing here is specific to one of them.
 *
 * <p>{@link #open} reads only the header; the parts are built on first use. Callers need different
 * parts and accept different files: {@code bantam tokenize} needs the tokenizer of any GGUF, even
 * of an architecture Bantam cannot run; {@code bantam info} shows what it can of a file whose
 * tokenizer or architecture is unsupported; the ONNX export copies the tokenizer's metadata
 * without building it. Building everything up front would refuse files they handle today. A
 * backend that runs the model calls {@link #load}, which builds everything at once, so that a file
 * it cannot run fails before any device memory or thread is taken.
 *
 * <p>Thread-safe; close it to unmap the file (the weights' matrices are views into the mapping).
 */
public final class ModelFile implements AutoCloseable {
    private final GgufFile gguf;
    private final Weights.AbsentOutput absentOutput;
    private ModelConfig config;
    private Tokenizer tokenizer;
    private Weights weights;

    private ModelFile(GgufFile gguf, Weights.AbsentOutput absentOutput) {
        this.gguf = gguf;
        this.absentOutput = absentOutput;
    }

    /** Maps {@code path} and parses its header; a missing {@code output.weight} is tied to the embedding. */
    public static ModelFile open(Path path) throws IOException {
        return open(path, Weights.AbsentOutput.TIED_EMBEDDING);
    }

    public static ModelFile open(Path path, Weights.AbsentOutput absentOutput) throws IOException {
        return new ModelFile(GgufFile.open(path), absentOutput);
    }

    /** {@link #open} and build the tokenizer, config and weights now, closing the file if one of them fails. */
    public static ModelFile load(Path path) throws IOException {
        return load(path, Weights.AbsentOutput.TIED_EMBEDDING);
    }

    public static ModelFile load(Path path, Weights.AbsentOutput absentOutput) throws IOException {
        ModelFile file = open(path, absentOutput);
        try {
            // the tokenizer first: of a file with several problems, the engine has always named its tokenizer's
            file.tokenizer();
            file.weights();
            return file;
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    public GgufFile gguf() { return gguf; }

    public Path path() { return gguf.path(); }

    /** The file's name, as error messages name it. */
    public String name() { return gguf.path().getFileName().toString(); }

    /**
     * The dimensions. The vocabulary size, when the architecture's metadata lacks it, is the
     * number of tokens in {@code tokenizer.ggml.tokens} (the tokenizer's size), counted without
     * building the tokenizer.
     */
    public synchronized ModelConfig config() {
        if (config == null) {
            int tokens = gguf.metadata().optStringArray("tokenizer.ggml.tokens").map(t -> t.length).orElse(0);
            config = ModelConfig.from(name(), gguf.metadata(), tokens);
        }
        return config;
    }

    /** The tokenizer described by the {@code tokenizer.ggml.*} keys. */
    public synchronized Tokenizer tokenizer() {
        if (tokenizer == null) tokenizer = Tokenizers.fromGguf(gguf.metadata(), name());
        return tokenizer;
    }

    /** The tensors, checked against {@link #config()}; loaded once, so every user shares the same views. */
    public synchronized Weights weights() {
        if (weights == null) weights = Weights.load(gguf, config(), absentOutput);
        return weights;
    }

    @Override
    public void close() {
        gguf.close();
    }
}
