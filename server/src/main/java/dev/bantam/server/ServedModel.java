package dev.bantam.server;

import dev.bantam.chat.ChatFormat;
import dev.bantam.core.backend.InferenceBackend;
import dev.bantam.core.backend.ModelSource;
import dev.bantam.core.backend.SessionOptions;
import dev.bantam.core.backend.SlotSession;
import dev.bantam.core.gguf.GgufFile;
import dev.bantam.core.gguf.GgufMetadata;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The model being served: its slots on a backend and how it reads a conversation.
 *
 * @param id the name clients use in {@code model} (the file name without {@code .gguf})
 */
record ServedModel(String id, SlotSession slots, ChatFormat format, String backend) implements AutoCloseable {
    static ServedModel open(Path file, InferenceBackend backend, SessionOptions options) throws IOException {
        ModelSource source = new ModelSource(file);
        GgufMetadata metadata = null;
        if (source.isGguf()) {
            try (GgufFile g = GgufFile.open(file)) {
                metadata = g.metadata();
            }
        }
        SlotSession slots = backend.openSlots(source, options);
        try {
            String name = source.fileName();
            String id = name.endsWith(".gguf") ? name.substring(0, name.length() - 5) : name;
            return new ServedModel(id, slots, ChatFormat.of(metadata, name, slots.tokenizer()), backend.id());
        } catch (RuntimeException e) {
            slots.close();
            throw e;
        }
    }

    @Override
    public void close() { slots.close(); }
}
