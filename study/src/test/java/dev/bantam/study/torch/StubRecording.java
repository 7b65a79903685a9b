package dev.bantam.study.torch;

import dev.bantam.core.backend.InferenceSession;
import dev.bantam.core.backend.ModelSource;
import dev.bantam.core.backend.SessionOptions;
import dev.bantam.core.cpu.CpuBackend;
import dev.bantam.core.generate.Sampler;
import dev.bantam.study.Json;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Records, with Bantam's CPU engine, the logits the stub torch worker replays: every position of
 * each given token sequence. {@link #greedy} extends a prompt the way a study's decode does, so
 * the replayed run follows the recorded path. Writes the stub script and recording.json into a
 * folder of their own.
 */
final class StubRecording {
    private final Path gguf;
    private final List<Map<String, Object>> sequences = new ArrayList<>();
    private int vocab;

    StubRecording(Path gguf) {
        this.gguf = gguf;
    }

    /** Records all positions of {@code tokens}. */
    StubRecording add(int[] tokens) {
        try (InferenceSession s = open()) {
            float[] logits = s.prefillAll(tokens);
            vocab = s.vocabSize();
            ByteBuffer b = ByteBuffer.allocate(logits.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(logits);
            Map<String, Object> seq = new LinkedHashMap<>();
            seq.put("tokens", tokens);
            seq.put("logits", Base64.getEncoder().encodeToString(b.array()));
            sequences.add(seq);
        }
        return this;
    }

    /** {@code prompt} followed by {@code steps} greedy tokens (from all-position logits, as recorded), recorded. */
    int[] greedy(int[] prompt, int steps) {
        int[] seq = prompt.clone();
        try (InferenceSession s = open()) {
            for (int i = 0; i < steps; i++) {
                s.reset();
                float[] logits = s.prefillAll(seq);
                int v = s.vocabSize();
                seq = java.util.Arrays.copyOf(seq, seq.length + 1);
                seq[seq.length - 1] = Sampler.argmax(logits, (seq.length - 2) * v, v);
            }
        }
        add(seq);
        // the replay follows the recorded rows: their greedy choices must be the path recorded
        String tokens = Base64.getDecoder().decode((String) sequences.getLast().get("logits")).length + "";
        float[] rows = rows(sequences.getLast());
        for (int k = prompt.length; k < seq.length; k++) {
            if (Sampler.argmax(rows, (k - 1) * vocab, vocab) != seq[k]) throw new IllegalStateException("greedy path not reproduced at " + k + " (" + tokens + ")");
        }
        return seq;
    }

    private static float[] rows(Map<String, Object> seq) {
        byte[] b = Base64.getDecoder().decode((String) seq.get("logits"));
        float[] f = new float[b.length / 4];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        return f;
    }

    /** The stub and its recording in {@code dir}; returns the script. */
    Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path script = dir.resolve("stub_replay_worker.py");
        try (InputStream in = StubRecording.class.getResourceAsStream("/torch-stub/stub_replay_worker.py")) {
            Files.copy(in, script);
        }
        Files.writeString(dir.resolve("recording.json"), Json.line(Map.of("vocab", vocab, "sequences", sequences)));
        return script;
    }

    private InferenceSession open() {
        try {
            return new CpuBackend().open(new ModelSource(gguf), SessionOptions.of(1, 0));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
