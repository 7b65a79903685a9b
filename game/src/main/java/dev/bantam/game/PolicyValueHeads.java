package dev.bantam.game;

import dev.bantam.core.gguf.GgufFile;
import dev.bantam.core.gguf.GgufFormatException;
import dev.bantam.core.kernels.Kernels;
import dev.bantam.core.tensor.TensorView;

/**
 * The linear policy and value heads stored in a GGUF file ({@link HeadsFormat}), applied to the
 * final normalized hidden state of a record's last position.
 */
public final class PolicyValueHeads {
    private final int dim, policySize;
    private final float[] policyWeight, policyBias, valueWeight;
    private final float valueBias;
    private final boolean tanh;
    private final RecordFormat format;
    private String file = "the model";

    private PolicyValueHeads(int dim, float[] pw, float[] pb, float[] vw, float vb, boolean tanh, RecordFormat format) {
        this.dim = dim;
        this.policySize = pb.length;
        this.policyWeight = pw;
        this.policyBias = pb;
        this.valueWeight = vw;
        this.valueBias = vb;
        this.tanh = tanh;
        this.format = format;
    }

    public static boolean present(GgufFile file) {
        return file.metadata().has(HeadsFormat.POLICY_SIZE);
    }

    public static PolicyValueHeads load(GgufFile file, int dim) {
        String name = file.path().getFileName().toString();
        if (!present(file)) throw new GgufFormatException(name + ": no policy/value heads (metadata " + HeadsFormat.POLICY_SIZE + " is missing)");
        var m = file.metadata();
        int p = m.getInt(HeadsFormat.POLICY_SIZE, 1);
        int v = m.has(HeadsFormat.VALUE_SIZE) ? m.getInt(HeadsFormat.VALUE_SIZE, 1) : 1;
        if (v != 1) throw new GgufFormatException(name + ": " + HeadsFormat.VALUE_SIZE + " is " + v + ", expected 1");
        String activation = m.optString(HeadsFormat.VALUE_ACTIVATION).orElse("tanh");
        if (!activation.equals("tanh") && !activation.equals("none")) {
            throw new GgufFormatException(name + ": " + HeadsFormat.VALUE_ACTIVATION + " is '" + activation + "', expected tanh or none");
        }
        RecordFormat format = new RecordFormat(m.optString(HeadsFormat.RECORD_START).orElse(""), m.optString(HeadsFormat.MOVE_SEPARATOR).orElse(" "));
        PolicyValueHeads heads = new PolicyValueHeads(dim,
                floats(file, HeadsFormat.POLICY_WEIGHT, (long) dim * p), floats(file, HeadsFormat.POLICY_BIAS, p),
                floats(file, HeadsFormat.VALUE_WEIGHT, dim), floats(file, HeadsFormat.VALUE_BIAS, 1)[0],
                activation.equals("tanh"), format);
        heads.file = name;
        return heads;
    }

    private static float[] floats(GgufFile file, String tensor, long elements) {
        String name = file.path().getFileName().toString();
        if (!file.hasTensor(tensor)) throw new GgufFormatException(name + ": tensor " + tensor + " is missing (required by the policy/value heads)");
        TensorView t = file.tensor(tensor);
        // the heads are dequantized whole; a type without kernels (I8, I32, ...) is the file's fault, named here
        if (!Kernels.supports(t.type())) {
            throw new dev.bantam.core.model.UnsupportedModelException("%s: tensor %s has type %s, expected a float or quantized weight type with kernels (F32, F16, BF16, Q8_0, ...)"
                    .formatted(name, tensor, t.type()));
        }
        if (elements > Integer.MAX_VALUE - 8) throw new GgufFormatException("%s: tensor %s would need %d elements, more than an array holds".formatted(name, tensor, elements));
        if (t.elements() != elements) throw new GgufFormatException("%s: tensor %s has %d elements, expected %d".formatted(name, tensor, t.elements(), elements));
        return Kernels.toFloatArray(t);
    }

    public int policySize() { return policySize; }

    /** How the model's game records are written (from the file's metadata). */
    public RecordFormat format() { return format; }

    /** Policy logits and value of the hidden state at {@code hidden[off .. off + dim)}. */
    public Evaluation apply(float[] hidden, int off) {
        float[] logits = new float[policySize];
        for (int r = 0; r < policySize; r++) logits[r] = policyBias[r] + dot(policyWeight, r * dim, hidden, off);
        float v = valueBias + dot(valueWeight, 0, hidden, off);
        // a NaN prior or value would make the search pick no child; a sound network never gives one,
        // so it is the file's weights or metadata (a rope base of 0, say) that are broken
        boolean finite = Float.isFinite(v);
        for (float l : logits) finite &= !Float.isNaN(l) && l != Float.POSITIVE_INFINITY;
        if (!finite) {
            throw new dev.bantam.core.format.ModelFormatException(file + ": the policy/value heads give a NaN or infinite output"
                    + " (expected finite numbers; the weights or the metadata, such as rope.freq_base, are broken)");
        }
        return new Evaluation(logits, tanh ? (float) Math.tanh(v) : v);
    }

    private float dot(float[] w, int wOff, float[] h, int hOff) {
        float s = 0;
        for (int i = 0; i < dim; i++) s += w[wOff + i] * h[hOff + i];
        return s;
    }
}
