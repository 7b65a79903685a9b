package dev.bantam.study.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The named values of one result line, in output order, shared by the csv, json and jsonl
 * formats. Names follow llama-bench's where the two tools measure the same thing; the
 * environment fields and the roofline fields are Bantam's.
 */
final class Fields {
    private Fields() {}

    static Map<String, Object> of(Environment env, TestResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("build_commit", env.buildCommit());
        m.put("cpu_info", env.cpuInfo());
        m.put("n_cores", env.cores());
        m.put("jvm_vendor", env.jvmVendor());
        m.put("jvm_version", env.jvmVersion());
        m.put("jvm_flags", env.jvmFlags());
        m.put("vector_bits", env.vectorBits());
        m.put("date", env.date());
        m.put("backends", r.backend());
        m.put("model_filename", r.model().filename());
        m.put("model_type", r.model().type());
        m.put("model_size", r.model().sizeBytes());
        m.put("model_n_params", r.model().params());
        m.put("n_threads", r.threads());
        m.put("test", r.test().name());
        m.put("n_prompt", r.test().nPrompt());
        m.put("n_gen", r.test().nGen());
        m.put("test_time", r.testTime());
        m.put("repetitions", r.samplesNs().length);
        m.put("avg_ns", Math.round(r.avgNs()));
        m.put("stddev_ns", Math.round(r.stddevNs()));
        m.put("avg_ts", r.avgTs());
        m.put("stddev_ts", r.stddevTs());
        RooflineEstimate e = r.roofline();
        m.put("mem_bw_gbs", e == null ? null : e.bandwidthGBs());
        m.put("bytes_per_token", e == null ? null : e.bytesPerToken());
        m.put("kv_positions", e == null ? null : e.kvPositions());
        m.put("roofline_ts", e == null ? null : e.boundTs());
        m.put("roofline_pct", e == null ? null : e.percent());
        return m;
    }
}
