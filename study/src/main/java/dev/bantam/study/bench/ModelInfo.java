package dev.bantam.study.bench;

import dev.bantam.core.gguf.GgufFile;
import dev.bantam.core.gguf.GgufTensorInfo;
import dev.bantam.core.tensor.WeightType;

import java.util.EnumMap;
import java.util.Map;

/**
 * What a benchmark line says about its model: file, a llama-bench style description
 * ({@code llama 7M Q8_0}: architecture, parameter count, the weight type holding most bytes),
 * tensor bytes and parameter count (sums over the tensor table, as llama.cpp counts them).
 */
public record ModelInfo(String filename, String type, long sizeBytes, long params) {

    public static ModelInfo of(GgufFile file) {
        long size = 0, params = 0;
        Map<WeightType, Long> bytesByType = new EnumMap<>(WeightType.class);
        for (GgufTensorInfo t : file.tensorInfos()) {
            size += t.byteSize();
            params += t.elements();
            if (t.shape().length >= 2) bytesByType.merge(t.type(), t.byteSize(), Long::sum);
        }
        String dominant = bytesByType.entrySet().stream().max(Map.Entry.comparingByValue())
                .map(e -> e.getKey().name()).orElse("?");
        String arch = file.metadata().optString("general.architecture").orElse("?");
        return new ModelInfo(file.path().toString(), arch + " " + sizeLabel(params) + " " + dominant, size, params);
    }

    static String sizeLabel(long params) {
        if (params >= 1_000_000_000L) return Math.round(params / 1e9) + "B";
        if (params >= 1_000_000L) return Math.round(params / 1e6) + "M";
        return Math.round(params / 1e3) + "K";
    }
}
