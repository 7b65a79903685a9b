package dev.bantam.study;

import java.util.List;

/**
 * {@code --shard K/N}: the K-th of N deterministic slices of a study's cells, a cell being one
 * (model, variant) in spec order — each model's variants with the accuracy base among them.
 * Cell i belongs to shard {@code i mod N + 1}, so the slices are the same on every machine and
 * the variants of one model spread over the shards. A shard runs its own cells and, as a helper,
 * the accuracy pass of the base of every model it has cells of, because its variants' KL is
 * measured against the base's logits on the same machine; {@code report --merge} keeps only the
 * rows of the cells each shard owns.
 */
public record Shard(int index, int count, List<Cell> cells) {
    /** One model (as raw.jsonl names it) and variant label. */
    public record Cell(String model, String variant) {}

    public static final Shard ALL = new Shard(1, 1, null);

    public Shard {
        if (count < 1 || index < 1 || index > count) throw new IllegalArgumentException("--shard %d/%d: expected K/N with 1 <= K <= N".formatted(index, count));
        cells = cells == null ? null : List.copyOf(cells);
    }

    /** {@code "K/N"}. */
    public static Shard parse(String s) {
        String[] p = s.split("/");
        try {
            if (p.length == 2) return new Shard(Integer.parseInt(p[0].strip()), Integer.parseInt(p[1].strip()), null);
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException("--shard '" + s + "': expected K/N, e.g. 2/4");
    }

    public boolean owns(int cell) { return cell % count == index - 1; }

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isAll() { return count == 1; }

    /** This shard with the cells it ran, for the manifest. */
    Shard withCells(List<Cell> owned) { return new Shard(index, count, owned); }

    @Override
    public String toString() { return index + "/" + count; }
}
