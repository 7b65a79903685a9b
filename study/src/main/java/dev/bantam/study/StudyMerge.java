package dev.bantam.study;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code bantam report --merge OUT DIR...}: the shards of one study ({@code study --shard K/N})
 * as one study directory. It refuses shards of different specs (threads aside, which each
 * machine resolves for itself) or Bantam versions, a missing or repeated shard, and cells run
 * twice; keeps each shard's rows of the cells it owns (dropping the helper accuracy passes of
 * the base), in the order an unsharded run writes them, numbered again; then derives summary
 * and reports once, exactly as {@code bantam report} does, so the result verifies.
 */
public final class StudyMerge {
    private StudyMerge() {}

    public static StudySummary merge(Path out, List<Path> dirs) throws IOException {
        if (Files.exists(out)) {
            try (var s = Files.list(out)) {
                if (s.findAny().isPresent()) throw new IllegalArgumentException(out + " already exists and is not empty; choose a new directory");
            }
        }
        List<Manifest> manifests = new ArrayList<>();
        for (Path d : dirs) {
            Path mf = d.resolve(StudyFiles.MANIFEST);
            if (!Files.isRegularFile(mf)) throw new IOException(d + ": not a study directory (no " + StudyFiles.MANIFEST + ")");
            Manifest m = Manifest.read(mf);
            if (m.shard() == null) throw new IllegalArgumentException(d + ": not a shard (it was run without --shard K/N)");
            if (m.finished() == null) throw new IllegalArgumentException(d + ": shard " + m.shard() + " did not finish");
            manifests.add(m);
        }
        Manifest first = manifests.getFirst();
        int n = first.shard().count();
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < manifests.size(); i++) {
            Manifest m = manifests.get(i);
            String d = dirs.get(i).toString();
            if (m.shard().count() != n) throw new IllegalArgumentException("%s is shard %s, %s is shard %s: not the same split".formatted(dirs.getFirst(), first.shard(), d, m.shard()));
            if (!seen.add(m.shard().index())) throw new IllegalArgumentException(d + ": shard " + m.shard() + " is given twice");
            if (!m.bantamVersion().equals(first.bantamVersion()) || !java.util.Objects.equals(m.gitSha(), first.gitSha())) {
                throw new IllegalArgumentException("%s ran Bantam %s (%s), %s ran %s (%s): shards of different versions are not merged".formatted(
                        dirs.getFirst(), first.bantamVersion(), first.gitSha(), d, m.bantamVersion(), m.gitSha()));
            }
            if (!specJson(m).equals(specJson(first))) throw new IllegalArgumentException(d + ": its study spec differs from " + dirs.getFirst() + "'s; shards of different specs are not merged");
        }
        if (seen.size() != n) {
            List<Integer> missing = new ArrayList<>();
            for (int k = 1; k <= n; k++) if (!seen.contains(k)) missing.add(k);
            throw new IllegalArgumentException("shards " + missing + " of " + n + " are missing");
        }

        Map<Shard.Cell, String> owner = new LinkedHashMap<>();
        List<RawRun> rows = new ArrayList<>();
        for (int i = 0; i < manifests.size(); i++) {
            Manifest m = manifests.get(i);
            for (Shard.Cell c : m.shard().cells()) {
                String before = owner.putIfAbsent(c, m.shard().toString());
                if (before != null) throw new IllegalArgumentException("cell %s %s was run by shards %s and %s".formatted(c.model(), c.variant(), before, m.shard()));
            }
            Set<Shard.Cell> mine = new HashSet<>(m.shard().cells());
            for (RawRun r : RawRun.read(dirs.get(i).resolve(StudyFiles.RAW))) if (mine.contains(new Shard.Cell(r.model(), r.variant()))) rows.add(r);
        }
        rows.sort(unshardedOrder(first, manifests));
        List<RawRun> numbered = new ArrayList<>();
        for (RawRun r : rows) numbered.add(r.withRunId(numbered.size() + 1));

        Files.createDirectories(out);
        try (BufferedWriter w = Files.newBufferedWriter(out.resolve(StudyFiles.RAW), StandardCharsets.UTF_8)) {
            for (RawRun r : numbered) {
                w.write(Json.line(r));
                w.newLine();
            }
        }
        String start = manifests.stream().map(Manifest::started).min(Comparator.naturalOrder()).orElseThrow();
        String end = manifests.stream().map(Manifest::finished).max(Comparator.naturalOrder()).orElseThrow();
        manifests.sort(Comparator.comparingInt(m -> m.shard().index()));
        Files.writeString(out.resolve(StudyFiles.MANIFEST), Json.pretty(first.merged(models(manifests, first), start, end,
                manifests.stream().map(Manifest.ShardEntry::of).toList())));
        return Reports.writeAll(out);
    }

    /** The spec as JSON without {@code threads}, which each machine resolves to its own core count. */
    private static String specJson(Manifest m) {
        ObjectNode spec = Json.MAPPER.valueToTree(m.spec());
        spec.remove("threads");
        return spec.toString();
    }

    /**
     * As StudyRunner writes an unsharded study: model by model in spec order; first the accuracy
     * passes, the base's first, then the speed runs, variant by variant; within a variant as run.
     */
    private static Comparator<RawRun> unshardedOrder(Manifest spec, List<Manifest> manifests) {
        Map<String, Integer> modelOrder = new LinkedHashMap<>();
        for (Manifest m : manifests) {
            for (var e : m.models()) modelOrder.putIfAbsent(e.name(), spec.spec().models().indexOf(e.ref()));
        }
        VariantSpec base = spec.spec().accuracy().base();
        List<String> cellOrder = cellOrder(spec);
        return Comparator.comparingInt((RawRun r) -> modelOrder.getOrDefault(r.model(), Integer.MAX_VALUE))
                .thenComparingInt(r -> r.kind().equals(RawRun.ACCURACY) ? 0 : 1)
                .thenComparingInt(r -> r.kind().equals(RawRun.ACCURACY) && r.variant().equals(base.label()) ? -1 : cellOrder.indexOf(r.variant()))
                .thenComparingInt(RawRun::runId);
    }

    /** Variant labels in cell order: the base first when the spec does not list it, then the spec's variants. */
    private static List<String> cellOrder(Manifest m) {
        VariantSpec base = m.spec().accuracy().base();
        List<String> order = new ArrayList<>();
        if (!m.spec().backends().contains(base)) order.add(base.label());
        for (VariantSpec v : m.spec().backends()) order.add(v.label());
        return order;
    }

    /** Every shard's model files, each model once, in spec order, its files in cell order. */
    private static List<Manifest.ModelEntry> models(List<Manifest> manifests, Manifest first) {
        List<String> cells = cellOrder(first);
        Map<String, Manifest.ModelEntry> byRef = new LinkedHashMap<>();
        for (String ref : first.spec().models()) {
            List<Manifest.FileEntry> files = new ArrayList<>();
            String name = null;
            for (Manifest m : manifests) {
                for (var e : m.models()) {
                    if (!e.ref().equals(ref)) continue;
                    name = e.name();
                    for (var f : e.files()) if (files.stream().noneMatch(x -> x.variant().equals(f.variant()))) files.add(f);
                }
            }
            files.sort(Comparator.comparingInt(f -> cells.indexOf(f.variant())));
            if (name != null) byRef.put(ref, new Manifest.ModelEntry(name, ref, files));
        }
        return List.copyOf(byRef.values());
    }
}
