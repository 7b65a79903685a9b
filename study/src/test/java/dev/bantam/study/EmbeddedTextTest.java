package dev.bantam.study;

import dev.bantam.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;

/** The default accuracy text in the jar is built from the one committed copy, fixtures/corpus/persuasion.txt (study/pom.xml). */
class EmbeddedTextTest {
    @Test
    void theEmbeddedAccuracyTextIsTheCorpusFixture() throws Exception {
        try (var in = StudyRunner.class.getResourceAsStream("/study/persuasion.txt")) {
            assertThat(in).as("/study/persuasion.txt on the class path").isNotNull();
            assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(Fixtures.path("corpus/persuasion.txt")));
        }
    }
}
