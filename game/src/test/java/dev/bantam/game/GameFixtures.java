package dev.bantam.game;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bantam.testing.Fixtures;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The game fixtures (fixtures/game/): GGUF files converted from the shared safetensors, and golden outputs. */
public final class GameFixtures {
    public static final List<String> MODELS = List.of("game-gpt2", "game-llama", "trained-gpt2", "trained-llama");

    /** One golden case: the move history, the tokens the fixture feeds, float64 reference outputs. */
    public record Case(List<String> moves, int[] tokens, double[] policy, double value) {}

    private GameFixtures() {}

    public static Path gguf(String model) {
        return Fixtures.path("game/" + model + "/model.gguf");
    }

    public static List<Case> cases(String model) {
        JsonNode root = Fixtures.json("game/" + model + "/golden.json");
        List<Case> out = new ArrayList<>();
        for (JsonNode c : root.get("cases")) {
            String text = c.has("record") ? c.get("record").asText().replaceFirst("^\\^", "") : c.get("text").asText();
            List<String> moves = text.isEmpty() ? List.of() : Arrays.asList(text.split(" "));
            int[] tokens = new int[c.get("tokens").size()];
            for (int i = 0; i < tokens.length; i++) tokens[i] = c.get("tokens").get(i).asInt();
            double[] policy = new double[c.get("policy_logits").size()];
            for (int i = 0; i < policy.length; i++) policy[i] = c.get("policy_logits").get(i).asDouble();
            out.add(new Case(moves, tokens, policy, c.get("value").asDouble()));
        }
        return out;
    }
}
