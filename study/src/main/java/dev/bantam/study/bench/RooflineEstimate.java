package dev.bantam.study.bench;

/**
 * How close a decode test came to the memory-bandwidth bound: each decoded token must read
 * {@code bytesPerToken} bytes, so at {@code bandwidthGBs} no engine can decode faster than
 * {@code boundTs} = bandwidth ÷ bytes per token. {@code percent} = measured t/s ÷ bound.
 */
public record RooflineEstimate(double bandwidthGBs, double bytesPerToken, double kvPositions, double boundTs, double percent) {

    public static RooflineEstimate of(double bandwidthGBs, double bytesPerToken, double kvPositions, double measuredTs) {
        double bound = bandwidthGBs * 1e9 / bytesPerToken;
        return new RooflineEstimate(bandwidthGBs, bytesPerToken, kvPositions, bound, 100 * measuredTs / bound);
    }
}
