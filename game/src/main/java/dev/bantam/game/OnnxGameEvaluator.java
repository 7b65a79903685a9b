package dev.bantam.game;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import dev.bantam.core.format.ModelFormatException;

import java.io.IOException;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a policy/value network exported from PyTorch as users bring it — inputs {@code input_ids}
 * int64 {@code [batch, seq]}; outputs {@code policy_logits [batch, P]} and {@code value [batch, 1]} —
 * on ONNX Runtime's CPU execution provider, recomputing the whole record for every evaluation
 * (such a graph has no KV cache). The graph has no attention mask either, so padding would change
 * the results: a batch runs as one ONNX Runtime call per distinct record length, holding all
 * records of that length.
 */
public final class OnnxGameEvaluator implements PositionEvaluator {
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    private final OrtSession session;
    private final RecordFormat format;
    private final int policySize;
    private final String file;

    public OnnxGameEvaluator(Path model, RecordFormat format, int threads) throws IOException {
        this.format = format;
        this.file = model.getFileName().toString();
        try {
            OrtSession.SessionOptions so = new OrtSession.SessionOptions();
            so.setIntraOpNumThreads(threads);
            so.setInterOpNumThreads(1);
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            dev.bantam.onnx.OnnxGraphCheck.check(model); // before the runtime sees it: some malformed graphs crash it
            this.session = ENV.createSession(model.toString(), so);
            var outputs = session.getOutputInfo();
            if (!session.getInputNames().contains("input_ids") || !outputs.containsKey("policy_logits") || !outputs.containsKey("value")) {
                // the names are read before the session is closed: a closed session answers nothing
                String found = session.getInputNames() + " → " + outputs.keySet();
                session.close();
                throw new IOException("%s: not a policy/value network (expected input input_ids and outputs policy_logits, value; found %s)"
                        .formatted(model.getFileName(), ModelFormatException.quote(found)));
            }
            long[] shape = ((ai.onnxruntime.TensorInfo) outputs.get("policy_logits").getInfo()).getShape();
            if (shape.length == 0 || shape[shape.length - 1] <= 0 || shape[shape.length - 1] > Integer.MAX_VALUE) {
                session.close();
                throw new ModelFormatException("%s: output policy_logits has shape %s, expected a fixed last dimension (the number of moves)"
                        .formatted(file, java.util.Arrays.toString(shape)));
            }
            this.policySize = (int) shape[shape.length - 1];
        } catch (OrtException e) {
            throw new IOException(model.getFileName() + ": ONNX Runtime cannot load it: " + e.getMessage(), e);
        }
    }

    @Override
    public int policySize() { return policySize; }

    @Override
    public synchronized List<Evaluation> evaluateBatch(List<List<String>> histories) {
        Evaluation[] results = new Evaluation[histories.size()];
        Map<Integer, List<Integer>> byLength = new LinkedHashMap<>();
        List<int[]> tokens = new ArrayList<>();
        for (int i = 0; i < histories.size(); i++) {
            int[] t = format.tokens(histories.get(i));
            if (t.length == 0) throw new IllegalArgumentException("an empty game record has no tokens to evaluate");
            tokens.add(t);
            byLength.computeIfAbsent(t.length, k -> new ArrayList<>()).add(i);
        }
        for (var group : byLength.entrySet()) {
            int len = group.getKey(), b = group.getValue().size();
            LongBuffer ids = LongBuffer.allocate(b * len);
            for (int i : group.getValue()) for (int t : tokens.get(i)) ids.put(t);
            ids.flip();
            try (OnnxTensor input = OnnxTensor.createTensor(ENV, ids, new long[] {b, len});
                 OrtSession.Result r = session.run(Map.of("input_ids", input))) {
                float[][] policy = (float[][]) r.get("policy_logits").orElseThrow().getValue();
                float[][] value = (float[][]) r.get("value").orElseThrow().getValue();
                for (int j = 0; j < b; j++) results[group.getValue().get(j)] = new Evaluation(policy[j], value[j][0]);
            } catch (OrtException | ClassCastException | java.util.NoSuchElementException | IndexOutOfBoundsException e) {
                // a graph that loads but cannot run (or returns outputs of another shape) is the file's fault
                throw new ModelFormatException("%s: ONNX Runtime failed on a batch of %d records of %d tokens: %s"
                        .formatted(file, b, len, ModelFormatException.quote(firstLine(e.getMessage()))), e);
            }
        }
        return List.of(results);
    }

    static String firstLine(String s) {
        if (s == null) return "no message";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }
}
