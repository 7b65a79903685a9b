package dev.bantam.cli;

import dev.bantam.core.gguf.GgufWriter;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar in megabytes on stderr for file conversions. */
final class ByteProgress implements GgufWriter.Progress, AutoCloseable {
    private final ProgressBar bar;

    ByteProgress(String task) {
        bar = new ProgressBarBuilder().setTaskName(task).setStyle(ProgressBarStyle.ASCII)
                .setUnit(" MB", 1 << 20).setUpdateIntervalMillis(250).showSpeed().continuousUpdate().build();
    }

    @Override
    public void update(long bytesWritten, long totalBytes, String tensor) {
        bar.maxHint(totalBytes);
        bar.stepTo(bytesWritten);
    }

    @Override
    public void close() {
        bar.close();
    }
}
