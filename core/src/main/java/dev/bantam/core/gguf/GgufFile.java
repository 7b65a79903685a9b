package dev.bantam.core.gguf;

import dev.bantam.core.tensor.TensorView;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A GGUF file mapped into memory. The header is parsed and validated on open; tensor data is
 * never copied: {@link #tensor(String)} returns a view into the mapping. Close it to unmap.
 */
public final class GgufFile implements AutoCloseable {
    public static final int DEFAULT_ALIGNMENT = 32;

    private final Path path;
    private final Arena arena;
    private final MemorySegment mapping;
    private final int version;
    private final GgufMetadata metadata;
    private final Map<String, GgufTensorInfo> tensors;
    private final long dataStart;
    private final int alignment;

    private GgufFile(Path path, Arena arena, MemorySegment mapping, GgufHeaderParser.Header header) {
        this.path = path;
        this.arena = arena;
        this.mapping = mapping;
        this.version = header.version();
        this.metadata = header.metadata();
        this.tensors = Collections.unmodifiableMap(header.tensors());
        this.dataStart = header.dataStart();
        this.alignment = header.alignment();
    }

    /**
     * Maps and validates a GGUF file.
     *
     * @throws GgufFormatException when the file is not a valid GGUF v3 file
     * @throws IOException when it cannot be read
     */
    public static GgufFile open(Path path) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            MemorySegment mapping = size == 0 ? MemorySegment.ofArray(new byte[0])
                    : channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            var header = new GgufHeaderParser(path.getFileName().toString(), mapping).parse();
            return new GgufFile(path, arena, mapping, header);
        } catch (RuntimeException | IOException e) {
            arena.close();
            throw e;
        }
    }

    /**
     * The metadata of a GGUF byte stream held in memory (a header without tensors, as
     * {@link GgufWriter#write(java.io.OutputStream)} writes it), validated as a file's would be.
     *
     * @param name named in error messages
     */
    public static GgufMetadata parseMetadata(String name, byte[] bytes) {
        return new GgufHeaderParser(name, MemorySegment.ofArray(bytes)).parse().metadata();
    }

    /** True when the file starts with the GGUF magic (cheap check for "is this a GGUF at all"). */
    public static boolean looksLikeGguf(Path path) throws IOException {
        try (var in = Files.newInputStream(path)) {
            byte[] magic = in.readNBytes(4);
            return magic.length == 4 && magic[0] == 'G' && magic[1] == 'G' && magic[2] == 'U' && magic[3] == 'F';
        }
    }

    public Path path() { return path; }
    public int version() { return version; }
    public GgufMetadata metadata() { return metadata; }
    public int alignment() { return alignment; }
    public long dataStart() { return dataStart; }
    public long fileSize() { return mapping.byteSize(); }
    public Collection<GgufTensorInfo> tensorInfos() { return tensors.values(); }
    public boolean hasTensor(String name) { return tensors.containsKey(name); }

    /** A view of the named tensor's bytes. */
    public TensorView tensor(String name) {
        GgufTensorInfo info = tensors.get(name);
        if (info == null) {
            throw new GgufFormatException("%s: tensor %s is missing".formatted(path.getFileName(), name));
        }
        return new TensorView(name, info.type(), info.shape(), mapping.asSlice(dataStart + info.offset(), info.byteSize()));
    }

    /** Copies of all tensors' views, in file order. */
    public Map<String, TensorView> tensorViews() {
        Map<String, TensorView> views = new LinkedHashMap<>();
        for (String name : tensors.keySet()) views.put(name, tensor(name));
        return views;
    }

    @Override
    public void close() {
        arena.close();
    }
}
