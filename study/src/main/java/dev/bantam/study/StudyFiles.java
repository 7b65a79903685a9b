package dev.bantam.study;

/** The layout of a study directory. */
public final class StudyFiles {
    private StudyFiles() {}

    public static final String RAW = "raw.jsonl";
    public static final String MANIFEST = "manifest.json";
    public static final String SUMMARY = "summary.json";
    public static final String REPORT_MD = "report.md";
    public static final String REPORT_HTML = "report.html";
    public static final String CHARTS = "charts";
    public static final String LOGS = "logs";
    /** Job files and the accuracy base's logits while the study runs; deleted at the end. */
    public static final String WORK = "work";
    /** The scenario name of accuracy runs. */
    public static final String ACCURACY_SCENARIO = "perplexity";
}
