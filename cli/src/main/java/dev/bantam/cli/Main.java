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
                ServeCommand.class,
                PerplexityCommand.class,
                InfoCommand.class,
                TokenizeCommand.class,
                QuantizeCommand.class,
                ExportOnnxCommand.class,
                ExportHfCommand.class,
                ConvertCommand.class,
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

    /** Documented here for --help; {@link #run(String...)} takes it from anywhere on the line. */
    @CommandLine.Option(names = "--debug", description = "On an error, print the stack trace too (for bug reports).")
    boolean debug;

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
        // --debug applies wherever it is written (bantam generate --debug ...), up to a "--"
        java.util.List<String> rest = new java.util.ArrayList<>();
        boolean debug = false, literal = false;
        for (String a : args) {
            if (!literal && a.equals("--debug")) { debug = true; continue; }
            if (a.equals("--")) literal = true;
            rest.add(a);
        }
        ErrorHandling.debug = debug;
        CommandLine cli = ErrorHandling.configure(new CommandLine(new Main()).registerConverter(java.nio.file.Path.class, new FileNames()));
        try {
            return cli.execute(rest.toArray(String[]::new));
        } catch (OutOfMemoryError | StackOverflowError e) {
            // picocli hands only Exceptions to the handler; an Error still gets its one line
            return ErrorHandling.report(e, cli.getErr());
        }
    }
}
