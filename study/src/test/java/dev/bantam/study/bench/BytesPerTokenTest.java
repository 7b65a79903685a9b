package dev.bantam.study.bench;

import dev.bantam.core.gguf.GgufFile;
import dev.bantam.core.gguf.GgufTensorInfo;
import dev.bantam.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * fixtures/tiny/llama-tiny/llama-tiny-q8_0.gguf (d_model 64, 2 layers, 4 heads, 2 KV heads of 16,
 * ffn 160, vocab 512), its tensor table as {@code bantam info} prints it:
 * <pre>
 *   output.weight          Q8_0 [64, 512]  34,816      token_embd.weight  Q8_0 [64, 512]  34,816
 *   per layer: ffn_down    Q8_0 [160, 64]  10,880      ffn_gate, ffn_up   Q8_0 [64, 160]  10,880 each
 *              attn_q, attn_output Q8_0 [64, 64] 4,352 each;  attn_k, attn_v Q8_0 [64, 32] 2,176 each
 *   norms: F32 [64] (1-D, not counted)
 * </pre>
 */
class BytesPerTokenTest {
    // per layer 3·10,880 + 2·4,352 + 2·2,176 = 45,696; two layers 91,392
    static final long LAYER_MATRICES = 2 * 45_696L;
    static final long OUTPUT = 34_816;
    /** One Q8_0 row of 64 values: 2 blocks of 34 bytes. */
    static final long EMBEDDING_ROW = 68;

    @Test
    void untiedModelReadsEveryMatrixOnceAndOneEmbeddingRow() throws Exception {
        try (GgufFile file = GgufFile.open(Fixtures.path("tiny/llama-tiny/llama-tiny-q8_0.gguf"))) {
            // tg8 from an empty cache: 4.5 positions on average; 2 layers · (K + V) · 32 floats · 4 bytes · 4.5 = 2,304
            var b = BytesPerToken.of(file.tensorInfos(), 2, 32, 4.5);
            assertThat(b.matrixBytes()).isEqualTo(LAYER_MATRICES + OUTPUT);
            assertThat(b.embeddingRowBytes()).isEqualTo(EMBEDDING_ROW);
            assertThat(b.tiedOutputBytes()).isZero();
            assertThat(b.kvBytes()).isEqualTo(2_304.0);
            assertThat(b.total()).isEqualTo(91_392 + 34_816 + 68 + 2_304);
        }
    }

    @Test
    void tiedOutputReadsTheEmbeddingMatrixAsTheOutput() throws Exception {
        try (GgufFile file = GgufFile.open(Fixtures.path("tiny/llama-tiny/llama-tiny-q8_0.gguf"))) {
            List<GgufTensorInfo> tied = file.tensorInfos().stream().filter(t -> !t.name().equals("output.weight")).toList();
            var b = BytesPerToken.of(tied, 2, 32, 0);
            assertThat(b.matrixBytes()).isEqualTo(LAYER_MATRICES);
            assertThat(b.tiedOutputBytes()).isEqualTo(34_816);
            assertThat(b.embeddingRowBytes()).isEqualTo(EMBEDDING_ROW);
            assertThat(b.total()).isEqualTo(91_392 + 34_816 + 68);
        }
    }

    @Test
    void rooflinePercentIsMeasuredOverBandwidthDividedByBytes() {
        // 10 GB/s over 1e6 bytes per token: at most 10,000 t/s; 2,500 measured is 25%
        var e = RooflineEstimate.of(10, 1e6, 1, 2_500);
        assertThat(e.boundTs()).isEqualTo(10_000.0);
        assertThat(e.percent()).isEqualTo(25.0);
    }
}
