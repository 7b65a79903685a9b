package dev.bantam.testing;

/** What every rejection must look like: one line, no raw control bytes, not a flood. */
public final class FuzzChecks {
    private FuzzChecks() {}

    public static void oneLine(String message) {
        if (message == null) throw new AssertionError("a rejection without a message");
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            if (c < 0x20 || c == 0x7f) throw new AssertionError("raw control byte 0x" + Integer.toHexString(c) + " in: " + message.substring(0, Math.min(300, message.length())));
        }
        if (message.length() > 2_000) throw new AssertionError("a message of " + message.length() + " chars");
    }
}
