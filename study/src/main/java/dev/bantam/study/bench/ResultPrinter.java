package dev.bantam.study.bench;

/** Writes results as they are measured, in one output format. */
public interface ResultPrinter {
    default void header() {}

    void result(TestResult result);

    /** After the last result; {@code triads} are the bandwidth measurements made (may be empty). */
    default void footer(java.util.List<StreamTriad.Result> triads) {}
}
