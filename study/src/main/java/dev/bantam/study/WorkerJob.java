package dev.bantam.study;

import java.util.List;
import java.util.Map;

/**
 * What one child JVM does: open {@code modelPath} on {@code backend} (with backend options such
 * as the ONNX export precision) and execute {@code runs} from index {@code from} on, or the
 * accuracy pass. The parent writes it as JSON; the child reports through {@link WorkerProtocol}.
 */
public record WorkerJob(String backend, String modelPath, Map<String, String> options, int threads,
                        int contextSize, int maxBatch, long seed, List<RunRequest> runs, int from,
                        AccuracyJob accuracy, String url, String serverModel) {

    public WorkerJob from(int index) {
        return new WorkerJob(backend, modelPath, options, threads, contextSize, maxBatch, seed, runs, index, accuracy, url, serverModel);
    }
}
