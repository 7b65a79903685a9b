package dev.bantam.core.game;
import dev.bantam.core.model.*;
import org.junit.jupiter.api.Test;
import java.util.*;
class ProfTmpTest {
    @Test void prof() throws Exception {
        try (Model model = Model.load(GameFixtures.gguf("trained-llama"), 1)) {
            EngineEvaluator e = new EngineEvaluator(model, true);
            String[] cells = new String[25];
            for (int c = 0; c < 25; c++) cells[c] = "" + (char) ('a' + c / 5) + (char) ('1' + c % 5);
            Random r = new Random(1);
            long total = 0; int count = 0;
            for (int rep = 0; rep < 60; rep++) {
                List<String> base = new ArrayList<>();
                for (int i = 0; i < 167; i++) base.add(cells[r.nextInt(25)]);
                List<List<String>> kids = new ArrayList<>();
                for (String c : cells) { List<String> h = new ArrayList<>(base); h.add(c); kids.add(h); }
                e.evaluate(base);
                e.evaluateBatch(kids);
                List<List<String>> leaves = new ArrayList<>();
                for (List<String> k : kids) for (String c : cells) { List<String> h = new ArrayList<>(k); h.add(c); leaves.add(h); }
                long t0 = System.nanoTime();
                for (List<String> l : leaves) e.evaluate(l);
                if (rep >= 10) { total += System.nanoTime() - t0; count += leaves.size(); }
            }
            System.out.printf("TIMING incremental at 500, batch 1: %.4f ms%n", total / 1e6 / count);
        }
    }
}
