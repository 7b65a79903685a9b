package dev.bantam.study.bench;

import java.util.ArrayList;
import java.util.List;

/** A Bantam result and the peer's result for the same file, test and thread count, measured in the same run. */
public record PeerComparison(TestResult bantam, TestResult peer) {
    /** Ratio of mean t/s, Bantam over the peer: above 1 means Bantam is faster. */
    public double ratio() {
        return bantam.avgTs() / peer.avgTs();
    }

    static List<PeerComparison> of(List<TestResult> results) {
        List<PeerComparison> out = new ArrayList<>();
        for (TestResult b : results) {
            if (!b.backend().equals(TestResult.BANTAM)) continue;
            for (TestResult p : results) {
                if (!p.backend().equals(TestResult.BANTAM) && p.threads() == b.threads()
                        && p.test().equals(b.test()) && p.model().filename().equals(b.model().filename())) {
                    out.add(new PeerComparison(b, p));
                }
            }
        }
        return out;
    }
}
