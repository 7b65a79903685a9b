package dev.bantam.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code bantam} command: dispatches to one subcommand per job. */
@Command(name = "bantam",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Run and measure transformer language models on the JVM.",
        subcommands = {
                GenerateCommand.class,
                ChatCommand.class,
                PerplexityCommand.class,
                InfoCommand.class,
                TokenizeCommand.class,
                QuantizeCommand.class,
                ExportOnnxCommand.class,
                ConvertGameCommand.class,
                PlayCommand.class,
                GameBenchCommand.class,
                SynthCommand.class,
                BenchCommand.class,
                BackendsCommand.class,
                StudyCommand.class,
                ReportCommand.class,
                CommandLine.HelpCommand.class,
        })
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (try: bantam generate)");
    }

    public static void main(String[] args) {
        dev.bantam.core.kernels.VectorSupport.warning().ifPresent(w -> System.err.println("bantam: warning: " + w));
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code (tests call this instead of main). */
    public static int run(String... args) {
        return ErrorHandling.configure(new CommandLine(new Main())).execute(args);
    }
}
