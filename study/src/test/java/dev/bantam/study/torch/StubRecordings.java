package dev.bantam.study.torch;

import java.nio.file.Path;

/** Public door to {@link StubRecording} for tests in other packages. */
public final class StubRecordings {
    private StubRecordings() {}

    public interface Recorder {
        Recorder add(int[] tokens);
        int[] greedy(int[] prompt, int steps);
        Path write(Path dir) throws java.io.IOException;
    }

    public static Recorder of(Path gguf) {
        StubRecording r = new StubRecording(gguf);
        return new Recorder() {
            @Override public Recorder add(int[] tokens) { r.add(tokens); return this; }
            @Override public int[] greedy(int[] prompt, int steps) { return r.greedy(prompt, steps); }
            @Override public Path write(Path dir) throws java.io.IOException { return r.write(dir); }
        };
    }
}
