package dev.bantam.cli.arch;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * DESIGN.md (Layout): a module depends on core, on the modules its job builds on and on its own
 * libraries; core depends on nothing, and nothing depends on the CLI. One rule per module names
 * every module it must not use, so one new import of such a module fails here. The classes are
 * the main classes on this module's test class path, which holds every module (the CLI assembles
 * them all) except jmh: that one is built only with {@code -P jmh} and its pom gives it core alone.
 */
class ModuleDependenciesTest {
    private static final JavaClasses ALL = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // core's test harness arrives as a test-jar (bantam-core-…-tests.jar), outside any test-classes folder
            .withImportOption(location -> !location.contains("-tests.jar") && !location.contains("/core/target/test-classes"))
            .importPackages("dev.bantam");

    /** The modules, by the last part of their root package {@code dev.bantam.*}. */
    private static final List<String> MODULES = List.of("testing", "core", "chat", "server", "onnx", "cuda", "game", "convert", "study", "cli", "jmh");

    @Test
    void coreDependsOnNoOtherModule() {
        mayUseOnly("core");
    }

    /** Chat templates and the Java API run on any backend through core's SPI (and the cpu engine's rewind). */
    @Test
    void chatDependsOnlyOnCore() {
        mayUseOnly("chat", "core");
    }

    /** The server schedules slots of core's SPI and reads conversations with chat; it never reaches into an engine. */
    @Test
    void serverDependsOnlyOnChatAndCoreSpi() {
        mayUseOnly("server", "chat", "core");
        noClasses().that().resideInAPackage("dev.bantam.server..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.bantam.core.cpu..", "dev.bantam.core.kernels..")
                .because("the server owns scheduling and the engine owns kernels: it talks to SlotSession only")
                .check(ALL);
    }

    @Test
    void onnxDependsOnlyOnCore() {
        mayUseOnly("onnx", "core");
    }

    @Test
    void cudaDependsOnlyOnCore() {
        mayUseOnly("cuda", "core");
    }

    /** The game runs users' ONNX policy/value networks as well as Bantam's engine. */
    @Test
    void gameDependsOnCoreAndOnnx() {
        mayUseOnly("game", "core", "onnx");
    }

    /** convert-game writes the game module's heads format. */
    @Test
    void convertDependsOnCoreAndGame() {
        mayUseOnly("convert", "core", "game");
    }

    /** The study prepares its models with convert and may use the backends it measures. */
    @Test
    void studyDependsOnCoreConvertAndTheBackendsItMeasures() {
        mayUseOnly("study", "core", "convert", "onnx", "cuda");
    }

    /** {@code bantam bench} times every backend, the cpu one included, through the SPI alone. */
    @Test
    void benchMeasuresThroughTheBackendSpiOnly() {
        noClasses().that().resideInAPackage("dev.bantam.study.bench..")
                .or().haveNameMatching("dev\\.bantam\\.cli\\.BenchCommand(\\$.*)?")
                .should().dependOnClassesThat().resideInAnyPackage("dev.bantam.core.cpu..", "dev.bantam.onnx..", "dev.bantam.cuda..")
                .because("the benchmark runner talks only to InferenceBackend / InferenceSession (DESIGN.md)")
                .check(ALL);
    }

    @Test
    void nothingDependsOnTheCli() {
        noClasses().that().resideOutsideOfPackage("dev.bantam.cli..")
                .should().dependOnClassesThat().resideInAPackage("dev.bantam.cli..")
                .because("only the CLI assembles the modules (DESIGN.md)")
                .check(ALL);
    }

    /** The test support is a test-scope dependency of every module, so it must not need any of them. */
    @Test
    void testingUsesOnlyTheJdkAndJackson() {
        classes().that().resideInAPackage("dev.bantam.testing..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("dev.bantam.testing..", "java..", "com.fasterxml.jackson..")
                .check(ALL);
    }

    @Test
    void noMainCodeUsesTheTestSupport() {
        noClasses().that().resideOutsideOfPackage("dev.bantam.testing..")
                .should().dependOnClassesThat().resideInAPackage("dev.bantam.testing..")
                .because("bantam-testing is a test-scope dependency")
                .check(ALL);
    }

    /** No class of {@code module} depends on a module other than itself and {@code allowed}. */
    private static void mayUseOnly(String module, String... allowed) {
        Set<String> may = Set.of(allowed);
        String[] others = MODULES.stream().filter(m -> !m.equals(module) && !may.contains(m))
                .map(m -> "dev.bantam." + m + "..").toArray(String[]::new);
        noClasses().that().resideInAPackage("dev.bantam." + module + "..")
                .should().dependOnClassesThat().resideInAnyPackage(others)
                .because("DESIGN.md: %s depends on %s".formatted(module, allowed.length == 0 ? "no other module" : String.join(", ", allowed)))
                .check(ALL);
    }
}
