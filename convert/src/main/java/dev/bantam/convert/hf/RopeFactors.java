package dev.bantam.convert.hf;

/**
 * The per-frequency divisors that GGUF stores as {@code rope_freqs.weight}: RoPE pair j turns at
 * {@code base^(−2j/dim) / f_j}. Computed in float64 as Hugging Face's
 * {@code _compute_llama3_parameters} does; the result is stored as float32.
 */
final class RopeFactors {
    private RopeFactors() {}

    /**
     * Llama 3's scaling: wavelengths shorter than {@code L/hf} keep their frequency, longer than
     * {@code L/lf} are divided by {@code factor}, and the band between is interpolated.
     */
    static float[] llama3(double base, int dim, double factor, double lowFreqFactor, double highFreqFactor, double originalContext) {
        float[] f = new float[dim / 2];
        double lowWavelength = originalContext / lowFreqFactor, highWavelength = originalContext / highFreqFactor;
        for (int j = 0; j < f.length; j++) {
            double omega = Math.pow(base, -2.0 * j / dim), wavelength = 2 * Math.PI / omega;
            if (wavelength < highWavelength) {
                f[j] = 1f;
            } else if (wavelength > lowWavelength) {
                f[j] = (float) factor;
            } else {
                double s = (originalContext / wavelength - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
                f[j] = (float) (1 / ((1 - s) / factor + s));
            }
        }
        return f;
    }
}
