package dev.bantam.cli;

import java.io.PrintStream;

/** A single status line on stderr, rewritten in place, for work that takes a while. */
final class Progress {
    private static int width;

    private Progress() {}

    static void status(String text) {
        PrintStream err = System.err;
        err.print("\r" + text + " ".repeat(Math.max(0, width - text.length())));
        width = text.length();
        err.flush();
    }

    static void done() {
        PrintStream err = System.err;
        if (width > 0) err.print("\r" + " ".repeat(width) + "\r");
        width = 0;
        err.flush();
    }
}
