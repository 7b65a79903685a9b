package dev.bantam.game;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The reference game: a 5×5 board, X moves first, four in a row (across, down or diagonal) wins,
 * a full board is a draw. Cells are written {@code a1} … {@code e5} (column letter, row digit)
 * and numbered column × 5 + row ({@code a1} = 0, {@code a2} = 1, … {@code e5} = 24), the policy
 * order of the networks. A game record is the moves separated by spaces ({@code c3 b2 d4}).
 */
public final class FourInARow implements GameState {
    public static final int SIZE = 5, CELLS = SIZE * SIZE, LINE = 4;
    /** Every line of four cells. */
    private static final int[][] LINES = lines();

    /** 0 empty, 1 X, 2 O. */
    private final byte[] board;
    private final List<String> history;
    private final int winner;

    private FourInARow(byte[] board, List<String> history, int winner) {
        this.board = board;
        this.history = history;
        this.winner = winner;
    }

    public static FourInARow start() {
        return new FourInARow(new byte[CELLS], List.of(), 0);
    }

    /**
     * The position after a game record ({@code "c3 b2 d4"}; a leading {@code ^} is allowed).
     *
     * @throws IllegalArgumentException naming the first bad move: not a cell, occupied, or after the end
     */
    public static FourInARow fromRecord(String record) {
        String text = record.strip();
        if (text.startsWith("^")) text = text.substring(1).strip();
        FourInARow s = start();
        if (text.isEmpty()) return s;
        String[] moves = text.split("\\s+");
        for (int i = 0; i < moves.length; i++) {
            try {
                s = s.play(parseCell(moves[i]));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("game record: move %d '%s': %s".formatted(i + 1, moves[i], e.getMessage()));
            }
        }
        return s;
    }

    /** The cell index of {@code a1} … {@code e5}. */
    public static int parseCell(String name) {
        String n = name.strip().toLowerCase(java.util.Locale.ROOT);
        if (n.length() != 2 || n.charAt(0) < 'a' || n.charAt(0) >= 'a' + SIZE || n.charAt(1) < '1' || n.charAt(1) >= '1' + SIZE) {
            throw new IllegalArgumentException("'" + name + "' is not a cell (expected a1 … e5: column a-e, row 1-5)");
        }
        return (n.charAt(0) - 'a') * SIZE + (n.charAt(1) - '1');
    }

    public static String cellName(int cell) {
        return "" + (char) ('a' + cell / SIZE) + (char) ('1' + cell % SIZE);
    }

    @Override public int actionCount() { return CELLS; }

    @Override public String moveName(int action) { return cellName(action); }

    @Override public List<String> history() { return history; }

    /** 1 when X is to move, 2 for O. */
    public int playerToMove() { return history.size() % 2 == 0 ? 1 : 2; }

    /** 0 while undecided or drawn, 1 or 2 for the player who made four in a row. */
    public int winner() { return winner; }

    /** 0 empty, 1 X, 2 O. */
    public int cell(int index) { return board[index]; }

    @Override
    public boolean isOver() {
        return winner != 0 || history.size() == CELLS;
    }

    @Override
    public float outcomeForPlayerToMove() {
        if (!isOver()) throw new IllegalStateException("the game is not over");
        return winner == 0 ? 0f : -1f;
    }

    @Override
    public int[] legalMoves() {
        if (isOver()) return new int[0];
        int[] out = new int[CELLS - history.size()];
        for (int c = 0, k = 0; c < CELLS; c++) if (board[c] == 0) out[k++] = c;
        return out;
    }

    @Override
    public FourInARow play(int cell) {
        if (isOver()) throw new IllegalArgumentException("the game is over" + (winner != 0 ? " (" + (winner == 1 ? "X" : "O") + " won)" : " (draw)"));
        if (cell < 0 || cell >= CELLS) throw new IllegalArgumentException("cell " + cell + " is off the board");
        if (board[cell] != 0) throw new IllegalArgumentException(cellName(cell) + " is already taken");
        byte[] next = board.clone();
        int player = playerToMove();
        next[cell] = (byte) player;
        List<String> h = new ArrayList<>(history.size() + 1);
        h.addAll(history);
        h.add(cellName(cell));
        return new FourInARow(next, Collections.unmodifiableList(h), wins(next, cell, player) ? player : 0);
    }

    private static boolean wins(byte[] b, int cell, int player) {
        for (int[] line : LINES) {
            boolean through = false, all = true;
            for (int c : line) {
                through |= c == cell;
                all &= b[c] == player;
            }
            if (through && all) return true;
        }
        return false;
    }

    /** The record in the game's notation: moves separated by spaces. */
    public String record() {
        return String.join(" ", history);
    }

    /** The board as text, row 5 at the top, with column letters and row digits. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        for (int row = SIZE - 1; row >= 0; row--) {
            sb.append(row + 1).append(' ');
            for (int col = 0; col < SIZE; col++) {
                int v = board[col * SIZE + row];
                sb.append(' ').append(v == 1 ? 'X' : v == 2 ? 'O' : '.');
            }
            sb.append('\n');
        }
        sb.append("   a b c d e\n");
        return sb.toString();
    }

    private static int[][] lines() {
        List<int[]> out = new ArrayList<>();
        int[][] directions = {{1, 0}, {0, 1}, {1, 1}, {1, -1}};
        for (int col = 0; col < SIZE; col++) {
            for (int row = 0; row < SIZE; row++) {
                for (int[] d : directions) {
                    int endCol = col + d[0] * (LINE - 1), endRow = row + d[1] * (LINE - 1);
                    if (endCol < 0 || endCol >= SIZE || endRow < 0 || endRow >= SIZE) continue;
                    int[] line = new int[LINE];
                    for (int k = 0; k < LINE; k++) line[k] = (col + d[0] * k) * SIZE + row + d[1] * k;
                    out.add(line);
                }
            }
        }
        return out.toArray(int[][]::new);
    }
}
