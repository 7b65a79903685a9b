package dev.bantam.chat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** DESIGN.md: chat builds on core only (and jinjava); core knows nothing of chat; templates know nothing of models. */
class ModuleRulesTest {
    private static final JavaClasses ALL = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.bantam");

    @Test
    void chatDependsOnCoreOnly() {
        noClasses().that().resideInAPackage("dev.bantam.chat..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.bantam.cli..", "dev.bantam.onnx..", "dev.bantam.cuda..",
                        "dev.bantam.study..", "dev.bantam.game..", "dev.bantam.convert..")
                .check(ALL);
    }

    @Test
    void coreKnowsNothingOfChat() {
        noClasses().that().resideInAPackage("dev.bantam.core..")
                .should().dependOnClassesThat().resideInAPackage("dev.bantam.chat..")
                .check(ALL);
    }

    @Test
    void templatesAreIndependentOfTheEngine() {
        noClasses().that().resideInAPackage("dev.bantam.chat.template..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.bantam.core..", "dev.bantam.chat")
                .check(ALL);
    }
}
