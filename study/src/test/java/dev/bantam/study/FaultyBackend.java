package dev.bantam.study;

import dev.bantam.core.cpu.CpuBackend;
import dev.bantam.core.backend.InferenceBackend;
import dev.bantam.core.backend.InferenceSession;
import dev.bantam.core.backend.Logits;
import dev.bantam.core.backend.ModelSource;
import dev.bantam.core.backend.SessionOptions;
import dev.bantam.core.tokenizer.Tokenizer;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Backends that misbehave the ways real ones do, for the study's honesty tests: the model loads
 * (through the CPU backend), then every forward pass throws, hangs, or crashes the JVM with a
 * segmentation fault (a read of address 8 through FFM, as a broken native library would).
 */
public abstract class FaultyBackend implements InferenceBackend {
    private final String id;

    FaultyBackend(String id) { this.id = id; }

    public static final class Throws extends FaultyBackend { public Throws() { super("faulty-throw"); } }

    public static final class Hangs extends FaultyBackend { public Hangs() { super("faulty-hang"); } }

    public static final class Crashes extends FaultyBackend { public Crashes() { super("faulty-crash"); } }

    @Override public String id() { return id; }

    @Override public Availability availability() { return Availability.yes(); }

    @Override
    public InferenceSession open(ModelSource model, SessionOptions options) throws IOException {
        InferenceSession real = new CpuBackend().open(model, options);
        return new InferenceSession() {
            @Override public Logits prefill(int[][] prompts) { misbehave(); return real.prefill(prompts); }
            @Override public Logits decode(int[] nextTokens) { misbehave(); return real.decode(nextTokens); }
            @Override public float[] prefillAll(int[] tokens) { misbehave(); return real.prefillAll(tokens); }
            @Override public void reset() { real.reset(); }
            @Override public int vocabSize() { return real.vocabSize(); }
            @Override public int contextSize() { return real.contextSize(); }
            @Override public Tokenizer tokenizer() { return real.tokenizer(); }
            @Override public void close() { real.close(); }
        };
    }

    private void misbehave() {
        switch (id) {
            case "faulty-throw" -> throw new IllegalStateException("simulated kernel failure");
            case "faulty-hang" -> {
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            default -> System.out.println(MemorySegment.ofAddress(8).reinterpret(8).get(ValueLayout.JAVA_LONG, 0));
        }
    }
}
