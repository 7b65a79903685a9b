package dev.bantam.cli;

import java.io.PrintStream;

/** A single status line on stderr, rewritten in place, for work that takes a while. */
final class Progress {
    private static final PrintStream ERR = System.err;
    private static int width;

    private Progress() {}

    static void status(String text) {
        ERR.print("\r" + text + " ".repeat(Math.max(0, width - text.length())));
        width = text.length();
        ERR.flush();
    }

    static void done() {
        if (width > 0) ERR.print("\r" + " ".repeat(width) + "\r");
        width = 0;
        ERR.flush();
    }
}
