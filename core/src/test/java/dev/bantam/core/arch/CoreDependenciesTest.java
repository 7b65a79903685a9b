package dev.bantam.core.arch;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** DESIGN.md: core depends on nothing but the JDK; the layers inside it point one way. */
class CoreDependenciesTest {
    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.bantam.core");

    @Test
    void coreUsesOnlyTheJdk() {
        classes().should().onlyDependOnClassesThat()
                .resideInAnyPackage("dev.bantam.core..", "java..", "jdk.incubator.vector..")
                .check(CORE);
    }

    @Test
    void kernelsAndFormatsDoNotKnowAboutModels() {
        noClasses().that().resideInAnyPackage("dev.bantam.core.kernels..", "dev.bantam.core.gguf..", "dev.bantam.core.tensor..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.bantam.core.model..", "dev.bantam.core.generate..",
                        "dev.bantam.core.eval..", "dev.bantam.core.tokenizer..")
                .check(CORE);
    }

    /** The type table is plain data that the kernels, the file readers and the tools all read; kernels depend on it, never the reverse. */
    @Test
    void theTypeTableDoesNotKnowTheKernels() {
        noClasses().that().resideInAPackage("dev.bantam.core.tensor..")
                .should().dependOnClassesThat().resideInAPackage("dev.bantam.core.kernels..")
                .check(CORE);
    }

    /** The loading seam is backend-neutral: what one backend derives from the weights lives in that backend. */
    @Test
    void modelsDoNotKnowABackend() {
        noClasses().that().resideInAPackage("dev.bantam.core.model..")
                .should().dependOnClassesThat().resideInAPackage("dev.bantam.core.cpu..")
                .check(CORE);
    }
}
