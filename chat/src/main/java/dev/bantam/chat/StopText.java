package dev.bantam.chat;

import java.util.List;

/**
 * Ends a reply at an end-of-turn text (such as {@code <|im_end|>} where the vocabulary has no
 * token for it) while the reply streams: text that could be the start of a stop string is held
 * back until the next pieces show whether it is one.
 */
public final class StopText {
    private final List<String> stops;
    private final StringBuilder held = new StringBuilder();
    private final StringBuilder reply = new StringBuilder();
    private boolean stopped;

    public StopText(List<String> stops) {
        this.stops = stops.stream().filter(s -> !s.isEmpty()).toList();
    }

    /** Adds generated text; returns the part that can be shown now (never any part of a stop string). */
    public String feed(String text) {
        if (stopped) return "";
        held.append(text);
        int cut = -1;
        for (String s : stops) {
            int at = held.indexOf(s);
            if (at >= 0 && (cut < 0 || at < cut)) cut = at;
        }
        if (cut >= 0) {
            stopped = true;
            return emit(cut);
        }
        return emit(held.length() - partialSuffix());
    }

    /** At the end of the reply: whatever was held back. */
    public String flush() {
        return stopped ? "" : emit(held.length());
    }

    public boolean stopped() { return stopped; }

    /** The reply so far, as shown. */
    public String reply() { return reply.toString(); }

    private String emit(int n) {
        String out = held.substring(0, n);
        held.delete(0, stopped ? held.length() : n);
        reply.append(out);
        return out;
    }

    /** The length of the longest end of the held text that begins some stop string. */
    private int partialSuffix() {
        String h = held.toString();
        int best = 0;
        for (String s : stops) {
            for (int k = Math.min(s.length() - 1, h.length()); k > best; k--) {
                if (h.regionMatches(h.length() - k, s, 0, k)) {
                    best = k;
                    break;
                }
            }
        }
        return best;
    }
}
