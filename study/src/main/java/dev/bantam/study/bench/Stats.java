package dev.bantam.study.bench;

/** Mean and sample standard deviation (n − 1), as llama-bench reports them. */
public final class Stats {
    private Stats() {}

    public static double mean(double[] v) {
        if (v.length == 0) return 0;
        double sum = 0;
        for (double x : v) sum += x;
        return sum / v.length;
    }

    /** Sample standard deviation (divides by n − 1); 0 for fewer than two values, as llama-bench. */
    public static double sampleSd(double[] v) {
        if (v.length < 2) return 0;
        double mean = mean(v), ss = 0;
        for (double x : v) ss += (x - mean) * (x - mean);
        return Math.sqrt(ss / (v.length - 1));
    }

    public static double[] toDouble(long[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) d[i] = v[i];
        return d;
    }
}
