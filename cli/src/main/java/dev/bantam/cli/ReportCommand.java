package dev.bantam.cli;

import dev.bantam.study.Reports;
import dev.bantam.study.StudyFiles;
import dev.bantam.study.StudyMerge;
import dev.bantam.study.StudySummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Regenerates a study's summary.json, report.md, report.html and charts from its raw.jsonl and manifest.json,",
                "or with --verify recomputes them and exits 1 if any number in the files differs,",
                "or with --merge OUT joins the directories of 'bantam study --shard K/N' runs into one study."})
final class ReportCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "DIR", description = "A directory written by 'bantam study' (with --merge: the shards' directories).")
    List<Path> dirs;

    @Option(names = "--merge", paramLabel = "OUT",
            description = "Merge the shards of one study ('bantam study --shard K/N', one DIR each) into OUT, which then verifies like any study.")
    Path merge;

    @Option(names = "--verify", description = "Check instead of write: exit 1 on the first mismatch in each file.")
    boolean verify;

    @Override
    public Integer call() throws Exception {
        if (merge != null) {
            if (verify) throw new UsageException("--merge and --verify: merge first, then verify OUT");
            StudySummary s = StudyMerge.merge(merge, dirs);
            System.out.printf("merged %d shards into %s: %d runs (%d OK, %d FAILED, %d TIMEOUT)%n", dirs.size(), merge,
                    s.counts().runs(), s.counts().ok(), s.counts().failed(), s.counts().timeout());
            return 0;
        }
        if (dirs.size() != 1) throw new UsageException("report takes one DIR (several only with --merge OUT)");
        Path dir = dirs.getFirst();
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
