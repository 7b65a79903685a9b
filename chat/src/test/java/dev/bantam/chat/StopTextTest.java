package dev.bantam.chat;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StopTextTest {
    @Test
    void holdsBackWhatMayStartAStopStringAndCutsAtIt() {
        StopText s = new StopText(List.of("<|im_end|>"));
        assertThat(s.feed("Hello <")).isEqualTo("Hello ");
        assertThat(s.feed("|im")).isEmpty();
        assertThat(s.feed("_end|>\nmore")).isEmpty();
        assertThat(s.stopped()).isTrue();
        assertThat(s.reply()).isEqualTo("Hello ");
    }

    @Test
    void releasesHeldTextThatTurnsOutNotToBeAStop() {
        StopText s = new StopText(List.of("<|im_end|>"));
        assertThat(s.feed("a <|i")).isEqualTo("a ");
        assertThat(s.feed("s")).isEqualTo("<|is");
        assertThat(s.feed("<")).isEmpty();
        assertThat(s.flush()).isEqualTo("<");
        assertThat(s.stopped()).isFalse();
        assertThat(s.reply()).isEqualTo("a <|is<");
    }
}
