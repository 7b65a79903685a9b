package dev.bantam.study;

import dev.bantam.study.bench.Environment;
import dev.bantam.core.backend.InferenceBackend;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code manifest.json}: everything needed to know where and on what the numbers were measured
 * (benchmark.md, integrity rule 5).
 */
public record Manifest(String bantamVersion, String gitSha, String jvmVendor, String jvmVersion, String jvmFlags,
                       String os, String cpu, int cores, long memoryBytes, String gpu,
                       List<ModelEntry> models, List<BackendEntry> backends, StudySpec spec,
                       String started, String finished, Shard shard, List<ShardEntry> shards) {

    /** A model as the spec named it, and each file a variant ran, with its SHA-256. */
    public record ModelEntry(String name, String ref, List<FileEntry> files) {}

    public record FileEntry(String variant, String path, String sha256) {}

    public record BackendEntry(String id, String version, boolean available, String reason) {}

    /** In a merged study ({@code report --merge}): where and when each shard ran. */
    public record ShardEntry(String shard, String os, String cpu, int cores, long memoryBytes, String gpu, String jvmVersion,
                             List<BackendEntry> backends, String started, String finished) {
        static ShardEntry of(Manifest m) {
            return new ShardEntry(m.shard().toString(), m.os(), m.cpu(), m.cores(), m.memoryBytes(), m.gpu(), m.jvmVersion(), m.backends(), m.started(), m.finished());
        }
    }

    static Manifest begin(String bantamVersion, StudySpec spec, List<ModelEntry> models, String started) {
        Environment env = Environment.detect();
        List<BackendEntry> backends = new ArrayList<>();
        for (InferenceBackend b : InferenceBackend.all()) {
            var a = b.availability();
            backends.add(new BackendEntry(b.id(), a.available() ? b.version() : null, a.available(), a.reason()));
        }
        return new Manifest(bantamVersion, env.buildCommit(), env.jvmVendor(), env.jvmVersion(), env.jvmFlags(),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                env.cpuInfo(), env.cores(), detectMemoryBytes(), detectGpu(), models, backends, spec, started, null, null, null);
    }

    Manifest finish(String finished) {
        return new Manifest(bantamVersion, gitSha, jvmVendor, jvmVersion, jvmFlags, os, cpu, cores, memoryBytes, gpu,
                models, backends, spec, started, finished, shard, shards);
    }

    /** This study as one shard of several (null: the whole study). */
    Manifest withShard(Shard s) {
        return new Manifest(bantamVersion, gitSha, jvmVendor, jvmVersion, jvmFlags, os, cpu, cores, memoryBytes, gpu,
                models, backends, spec, started, finished, s, shards);
    }

    /** The manifest of shards merged: the first shard's, with every model file, the time span of all and each shard's machine. */
    Manifest merged(List<ModelEntry> allModels, String firstStart, String lastFinish, List<ShardEntry> from) {
        return new Manifest(bantamVersion, gitSha, jvmVendor, jvmVersion, jvmFlags, os, cpu, cores, memoryBytes, gpu,
                allModels, backends, spec, firstStart, lastFinish, null, from);
    }

    static Manifest read(Path file) throws IOException {
        return Json.MAPPER.readValue(file.toFile(), Manifest.class);
    }

    private static long detectMemoryBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return Runtime.getRuntime().maxMemory();
    }

    /** {@code nvidia-smi}'s name and driver of each GPU, or "none". */
    private static String detectGpu() {
        try {
            Process p = new ProcessBuilder("nvidia-smi", "--query-gpu=name,driver_version,memory.total", "--format=csv,noheader")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 && !out.isEmpty()) return out.replace('\n', ';');
        } catch (Exception e) {
            // no NVIDIA driver
        }
        return "none";
    }
}
