package dev.bantam.cli;

import dev.bantam.chat.ChatSession;
import dev.bantam.chat.FinishReason;
import dev.bantam.chat.Reply;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The conversation loop of {@code bantam chat}: reads a line, runs a command or sends it, streams
 * the reply. Ctrl-C during a reply stops that reply; at the prompt it says how to quit. A turn
 * that fails (a template error, a conversation too long for the context) is reported in one line
 * and the conversation goes on without it.
 */
final class ChatRepl {
    static final String PROMPT = "> ";
    static final String HELP = "commands: /reset (forget the conversation), /system TEXT (set the system prompt), /exit";

    private final ChatSession chat;
    private final BufferedReader in;
    private final PrintStream out;
    private final PrintStream err;
    private final boolean terminal;
    private final AtomicBoolean replying = new AtomicBoolean();

    ChatRepl(ChatSession chat, BufferedReader in, PrintStream out, PrintStream err, boolean terminal) {
        this.chat = chat;
        this.in = in;
        this.out = out;
        this.err = err;
        this.terminal = terminal;
    }

    void run() throws IOException {
        try (Interrupts ignored = terminal ? Interrupts.handle(this::interrupt) : null) {
            if (terminal) out.println("bantam chat: " + HELP + ", Ctrl-C stops a reply");
            while (true) {
                if (terminal) out.print(PROMPT);
                out.flush();
                String line = in.readLine();
                if (line == null) {
                    if (terminal) out.println();
                    return;
                }
                if (!handle(line.strip())) return;
            }
        }
    }

    /** Runs one line; false when the user asked to exit. */
    private boolean handle(String line) {
        if (line.isEmpty()) return true;
        if (line.startsWith("/")) {
            String[] parts = line.split("\\s+", 2);
            switch (parts[0]) {
                case "/exit", "/quit" -> { return false; }
                case "/reset" -> {
                    chat.reset();
                    out.println("(conversation cleared)");
                }
                case "/system" -> {
                    chat.system(parts.length > 1 ? parts[1] : null);
                    chat.reset();
                    out.println(parts.length > 1 ? "(system prompt set; conversation cleared)" : "(system prompt removed; conversation cleared)");
                }
                case "/help" -> out.println(HELP);
                default -> err.println("bantam: unknown command " + parts[0] + " (" + HELP + ")");
            }
            return true;
        }
        reply(line);
        return true;
    }

    private void reply(String message) {
        replying.set(true);
        try {
            Reply reply = chat.stream(message, text -> {
                out.print(text);
                out.flush();
            });
            out.println();
            if (reply.finishReason() == FinishReason.CANCELLED) out.println("(stopped)");
        } catch (IllegalArgumentException e) {
            out.println();
            err.println("bantam: " + e.getMessage());
        } finally {
            replying.set(false);
        }
    }

    /** On the signal thread: stop the reply, or at the prompt, say how to leave. */
    private void interrupt() {
        if (replying.get()) {
            chat.cancel();
        } else {
            out.println();
            out.println("(Ctrl-C stops a reply; /exit or Ctrl-D quits)");
            out.print(PROMPT);
            out.flush();
        }
    }
}
