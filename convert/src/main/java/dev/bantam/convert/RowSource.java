package dev.bantam.convert;

/** Produces the float32 values of one row of a tensor being written (random, or read from another file). */
@FunctionalInterface
public interface RowSource {
    void row(int r, float[] out);
}
