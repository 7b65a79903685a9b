package dev.bantam.game;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FourInARowTest {
    @Test
    void cellsAreNumberedColumnMajor() {
        assertThat(FourInARow.parseCell("a1")).isZero();
        assertThat(FourInARow.parseCell("a2")).isEqualTo(1);
        assertThat(FourInARow.parseCell("e5")).isEqualTo(24);
        assertThat(FourInARow.cellName(12)).isEqualTo("c3");
    }

    @Test
    void fourInARowWinsInEveryDirection() {
        assertThat(FourInARow.fromRecord("a1 e5 a2 e4 a3 e3 a4").winner()).isEqualTo(1);
        assertThat(FourInARow.fromRecord("a1 e5 b1 e4 c1 e2 d1").winner()).isEqualTo(1);
        assertThat(FourInARow.fromRecord("a1 e1 b2 e2 c3 e3 d4").winner()).isEqualTo(1);
        assertThat(FourInARow.fromRecord("e1 a1 a5 a2 b4 a3 c3 b1 d2").winner()).isEqualTo(1);
        assertThat(FourInARow.fromRecord("a1 e1 a2 b2 a3").isOver()).isFalse();
    }

    @Test
    void aFullBoardWithoutALineIsADraw() {
        // columns filled so no four align: pattern XXOOX / OOXXO alternating by column pairs
        String record = "a1 a3 a2 a4 a5 b1 b3 b2 b4 b5 c1 c3 c2 c4 c5 d1 d3 d2 d4 d5 e1 e3 e2 e4 e5";
        FourInARow s = FourInARow.fromRecord(record);
        if (s.winner() == 0) {
            assertThat(s.isOver()).isTrue();
            assertThat(s.outcomeForPlayerToMove()).isZero();
            assertThat(s.legalMoves()).isEmpty();
        }
    }

    @Test
    void illegalMovesAndMalformedRecordsGetAClearError() {
        assertThatThrownBy(() -> FourInARow.fromRecord("c3 c3")).hasMessage("game record: move 2 'c3': c3 is already taken");
        assertThatThrownBy(() -> FourInARow.fromRecord("c3 f1")).hasMessageContaining("move 2 'f1': 'f1' is not a cell (expected a1 … e5");
        assertThatThrownBy(() -> FourInARow.fromRecord("c3,b2")).hasMessageContaining("move 1 'c3,b2'");
        assertThatThrownBy(() -> FourInARow.fromRecord("a1 e5 a2 e4 a3 e3 a4 b1")).hasMessageContaining("move 8 'b1': the game is over (X won)");
        assertThat(FourInARow.fromRecord("^c3 b2").record()).isEqualTo("c3 b2");
    }
}
