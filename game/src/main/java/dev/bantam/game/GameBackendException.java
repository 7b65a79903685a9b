package dev.bantam.game;

/**
 * A game backend that does not exist, cannot run here, or cannot run this file in this mode: the
 * user's choice to change, so its message is one line meant for them (a command line shows it as
 * a usage error).
 */
public final class GameBackendException extends IllegalArgumentException {
    public GameBackendException(String message) {
        super(message);
    }
}
