package dev.bantam.cli.arch;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** DESIGN.md: a module depends only on core and the libraries its own job needs; only the CLI assembles them. */
class ModuleDependenciesTest {
    private static final JavaClasses ALL = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.bantam");

    @Test
    void benchKnowsNeitherOnnxNorTheCli() {
        noClasses().that().resideInAPackage("dev.bantam.study.bench..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.bantam.onnx..", "dev.bantam.cli..")
                .check(ALL);
    }

    @Test
    void onnxKnowsNeitherBenchNorTheCli() {
        noClasses().that().resideInAPackage("dev.bantam.onnx..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.bantam.study.bench..", "dev.bantam.cli..")
                .check(ALL);
    }

    @Test
    void coreKnowsNoOtherModule() {
        noClasses().that().resideInAPackage("dev.bantam.core..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.bantam.study.bench..", "dev.bantam.onnx..", "dev.bantam.cli..")
                .check(ALL);
    }
}
