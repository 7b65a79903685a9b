package dev.bantam.langchain4j;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The integration is built on the public Java API alone: chat's facade, not the engine, so that it
 * runs on whatever backend the model was loaded with. (The CLI's ModuleDependenciesTest cannot see
 * this module: the CLI does not assemble it.)
 */
class ModuleRulesTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.bantam.langchain4j");

    @Test
    void usesOnlyTheJavaApi() {
        noClasses().that().resideInAPackage("dev.bantam.langchain4j..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.bantam.core..", "dev.bantam.cuda..", "dev.bantam.onnx..",
                        "dev.bantam.convert..", "dev.bantam.study..", "dev.bantam.game..", "dev.bantam.cli..", "dev.bantam.testing..")
                .check(MAIN);
    }
}
