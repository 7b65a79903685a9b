package dev.bantam.game;

import java.util.List;

/** A position of a two-player, alternating, perfect-information game, as the search sees it. Immutable. */
public interface GameState {
    /** Number of actions a policy scores (every cell, legal or not). */
    int actionCount();

    /** Actions the player to move may take; empty when the game is over. */
    int[] legalMoves();

    /** The position after the player to move takes {@code action}. */
    GameState play(int action);

    boolean isOver();

    /** For a finished game: -1 when the player to move has lost (the last move won), 0 for a draw. */
    float outcomeForPlayerToMove();

    /** The moves so far, in the game's notation: the record the network reads. */
    List<String> history();

    String moveName(int action);
}
