package dev.bantam.chat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * Chat templates know nothing of models or the engine, so the server and integrations can render
 * with them alone. (Which modules chat may use is checked with every module's rules in the CLI's
 * ModuleDependenciesTest.)
 */
class ModuleRulesTest {
    private static final JavaClasses ALL = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.bantam");

    @Test
    void templatesAreIndependentOfTheEngine() {
        noClasses().that().resideInAPackage("dev.bantam.chat.template..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.bantam.core..", "dev.bantam.chat")
                .check(ALL);
    }
}
