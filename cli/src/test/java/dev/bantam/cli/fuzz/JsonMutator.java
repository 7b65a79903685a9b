package dev.bantam.cli.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;

/**
 * Structure-aware mutations of a JSON document (config.json, tokenizer.json, a safetensors header):
 * one value replaced by a hostile one (another type, a boundary number, a path, a 1-D or object
 * shape, deep nesting), a neighbouring number, an entry removed or a top-level key duplicated;
 * or the text itself broken (truncated, bytes that are not UTF-8). The parsed tree is kept and
 * each mutation is undone after serialising, so large files cost one parse.
 */
final class JsonMutator {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final List<JsonNode> HOSTILE = hostile();

    /** Where a value sits: its parent and its key (object) or index (array). */
    record Slot(ContainerNode<?> parent, String key, int index, int depth) {
        JsonNode get() { return key != null ? parent.get(key) : parent.get(index); }

        void set(JsonNode v) {
            if (key != null) ((ObjectNode) parent).set(key, v);
            else ((ArrayNode) parent).set(index, v);
        }

        String path() { return key != null ? key : "[" + index + "]"; }
    }

    private final JsonNode root;
    private final List<Slot> slots = new ArrayList<>();

    /** @param maxSlots values recorded for mutation: enough to reach every structure, not every vocabulary entry */
    JsonMutator(byte[] json, int maxSlots) throws IOException {
        root = JSON.readTree(json);
        walk(root, 0, maxSlots);
    }

    JsonNode root() { return root; }

    List<Slot> slots() { return slots; }

    private void walk(JsonNode n, int depth, int max) {
        if (n instanceof ObjectNode o) {
            for (String k : iterable(o)) {
                if (slots.size() >= max) return;
                slots.add(new Slot(o, k, -1, depth));
                walk(o.get(k), depth + 1, max);
            }
        } else if (n instanceof ArrayNode a) {
            for (int i = 0; i < a.size() && slots.size() < max; i++) {
                slots.add(new Slot(a, null, i, depth));
                walk(a.get(i), depth + 1, max);
            }
        }
    }

    private static List<String> iterable(ObjectNode o) {
        List<String> keys = new ArrayList<>();
        o.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    /** A mutated document as bytes: mostly one value of a slot chosen by {@code prefer} (when any matches). */
    Mutant mutate(Random r, Predicate<Slot> prefer) throws IOException {
        int op = r.nextInt(20);
        if (op == 0) return textBreak(r);
        if (op == 1 && root instanceof ObjectNode o && !o.isEmpty()) return duplicateKey(r, o);
        List<Slot> pool = slots;
        if (prefer != null && r.nextInt(4) != 0) {
            List<Slot> preferred = slots.stream().filter(prefer).toList();
            if (!preferred.isEmpty()) pool = preferred;
        } else if (r.nextBoolean()) {
            List<Slot> shallow = slots.stream().filter(s -> s.depth() <= 2).toList();
            if (!shallow.isEmpty()) pool = shallow;
        }
        if (pool.isEmpty()) return textBreak(r);
        Slot s = pool.get(r.nextInt(pool.size()));
        JsonNode old = s.get();
        String what;
        if (op == 2) {
            // undone at once: a key comes back at the end of its object (order carries no meaning here)
            byte[] out;
            if (s.key() != null) {
                ObjectNode o = (ObjectNode) s.parent();
                o.remove(s.key());
                out = JSON.writeValueAsBytes(root);
                o.set(s.key(), old);
            } else {
                ArrayNode a = (ArrayNode) s.parent();
                a.remove(s.index());
                out = JSON.writeValueAsBytes(root);
                a.insert(s.index(), old);
            }
            return new Mutant(out, "removed " + s.path());
        }
        JsonNode v;
        if (old.isNumber() && r.nextBoolean()) {
            long x = old.asLong();
            long[] near = {x + 1, x - 1, x * 2, x / 2, -x, x + 1 + r.nextInt(64), 0};
            v = F.numberNode(near[r.nextInt(near.length)]);
        } else {
            v = HOSTILE.get(r.nextInt(HOSTILE.size()));
        }
        s.set(v);
        byte[] out = JSON.writeValueAsBytes(root);
        s.set(old);
        what = s.path() + " := " + abbreviate(v);
        return new Mutant(out, what);
    }

    record Mutant(byte[] bytes, String what) {}

    private Mutant textBreak(Random r) throws IOException {
        byte[] b = JSON.writeValueAsBytes(root);
        switch (r.nextInt(5)) {
            case 0 -> { int cut = r.nextInt(Math.max(1, b.length)); return new Mutant(Arrays.copyOf(b, cut), "text cut at " + cut); }
            case 1 -> {
                // a byte that is not UTF-8 inside the text (a string's, most likely)
                int at = r.nextInt(Math.max(1, b.length));
                byte[] m = b.clone();
                m[at] = new byte[] {(byte) 0xff, (byte) 0xc3, (byte) 0x80, (byte) 0xed}[r.nextInt(4)];
                return new Mutant(m, "byte " + at + " not UTF-8");
            }
            case 2 -> { return new Mutant(new byte[0], "empty file"); }
            case 3 -> {
                String deep = "[".repeat(5000) + "]".repeat(5000);
                return new Mutant(deep.getBytes(StandardCharsets.US_ASCII), "nesting 5000 deep");
            }
            default -> {
                int at = r.nextInt(Math.max(1, b.length));
                byte[] m = b.clone();
                String syntax = "{}[]\",:0\\\n\u0000";
                m[at] = (byte) syntax.charAt(r.nextInt(syntax.length()));
                return new Mutant(m, "syntax byte at " + at);
            }
        }
    }

    /** A top-level key written twice (Jackson's tree cannot hold that, so it is done on the text). */
    private Mutant duplicateKey(Random r, ObjectNode o) throws IOException {
        List<String> keys = iterable(o);
        String k = keys.get(r.nextInt(keys.size()));
        String text = JSON.writeValueAsString(root);
        String dup = JSON.writeValueAsString(k) + ":" + JSON.writeValueAsString(r.nextBoolean() ? o.get(k) : HOSTILE.get(r.nextInt(HOSTILE.size())));
        return new Mutant(("{" + dup + "," + text.substring(1)).getBytes(StandardCharsets.UTF_8), "duplicate key " + k);
    }

    private static String abbreviate(JsonNode v) {
        String s = v.toString();
        return s.length() > 60 ? s.substring(0, 60) + "…(" + s.length() + ")" : s;
    }

    private static List<JsonNode> hostile() {
        List<JsonNode> h = new ArrayList<>();
        for (long v : new long[] {0, 1, -1, 2, 3, 7, 64, 65_536, 2_000_000, Integer.MAX_VALUE, 1L << 31, 1L << 32, 1L << 40, Long.MAX_VALUE, Long.MIN_VALUE}) {
            h.add(F.numberNode(v));
        }
        h.add(F.numberNode(new BigInteger("18446744073709551616")));
        for (double d : new double[] {1e308, -1e308, 1e-320, 1.5, -0.0, 0.5}) h.add(F.numberNode(d));
        for (String s : new String[] {"", "x\n\u0000\u001b[2J", "F64", "I8", "F32", "BF16", "U8", "../../../etc/passwd", "/etc/passwd",
                "model.safetensors", "..", "LlamaForCausalLM", "gpt2", "llama", "default", "llama3", "\u202e\ud800"}) {
            h.add(F.textNode(s));
        }
        h.add(F.textNode("y".repeat(100_000)));
        h.add(F.nullNode());
        h.add(F.booleanNode(true));
        h.add(F.booleanNode(false));
        for (String json : new String[] {"[]", "[0]", "[64]", "[-1,64]", "[2147483647,2147483647]", "[4294967296,4294967296]", "[1,2,3,4,5]",
                "[0,64]", "{}", "{\"a\":1}", "[\"a\",1,null]", "[[1,2],[3,4]]", "[1.5,2]", "[9223372036854775807,1]", "[-9223372036854775808,0]"}) {
            try { h.add(JSON.readTree(json)); } catch (IOException e) { throw new IllegalStateException(e); }
        }
        JsonNode deep = F.arrayNode();
        for (int i = 0; i < 300; i++) deep = F.arrayNode().add(deep);
        h.add(deep);
        return List.copyOf(h);
    }
}
