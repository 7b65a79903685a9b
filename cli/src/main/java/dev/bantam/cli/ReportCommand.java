package dev.bantam.cli;

import dev.bantam.study.Reports;
import dev.bantam.study.StudyFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Regenerates a study's summary.json, report.md, report.html and charts from its raw.jsonl and manifest.json,",
                "or with --verify recomputes them and exits 1 if any number in the files differs."})
final class ReportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "A directory written by 'bantam study'.")
    Path dir;

    @Option(names = "--verify", description = "Check instead of write: exit 1 on the first mismatch in each file.")
    boolean verify;

    @Override
    public Integer call() throws Exception {
        if (!verify) {
            Reports.writeAll(dir);
            System.out.println("wrote " + dir.resolve(StudyFiles.REPORT_MD) + ", " + dir.resolve(StudyFiles.REPORT_HTML) + " and " + dir.resolve(StudyFiles.SUMMARY));
            return 0;
        }
        var problems = Reports.verify(dir);
        if (problems.isEmpty()) {
            System.out.println("verified: every derived file of " + dir + " matches its recomputation from " + StudyFiles.RAW);
            return 0;
        }
        for (String p : problems) System.err.println("bantam: report --verify: " + dir + "/" + p);
        return 1;
    }
}
