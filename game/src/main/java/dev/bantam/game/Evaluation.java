package dev.bantam.game;

/**
 * What a policy/value network says about one position: a logit for every cell (whether legal or
 * not) and the value in [-1, 1] from the view of the player to move.
 */
public record Evaluation(float[] policyLogits, float value) {
    /** Softmax of the logits of {@code legalMoves} only (occupied cells masked out); sums to 1. */
    public float[] policyOver(int[] legalMoves) {
        float[] p = new float[legalMoves.length];
        if (p.length == 0) return p;
        float max = Float.NEGATIVE_INFINITY;
        for (int m : legalMoves) max = Math.max(max, policyLogits[m]);
        double sum = 0;
        for (int i = 0; i < p.length; i++) sum += p[i] = (float) Math.exp(policyLogits[legalMoves[i]] - max);
        for (int i = 0; i < p.length; i++) p[i] /= (float) sum;
        return p;
    }
}
