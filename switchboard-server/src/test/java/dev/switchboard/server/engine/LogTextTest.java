package dev.switchboard.server.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A value in a log line stays one field of one line, bounded, whatever the client put in it. */
class LogTextTest {
    @Test
    void plainValuesAreKeptAsTheyAre() {
        String plain = "openai/gpt-4o-mini_2024.07";
        assertThat(LogText.clean(plain)).isSameAs(plain);
        assertThat(LogText.clean(null)).isEqualTo("-");
    }

    @Test
    void lineBreaksSeparatorsAndBidiControlsAreEscaped() {
        assertThat(LogText.clean("a\r\nX-Injected: 1")).isEqualTo("a\\x0d\\x0aX-Injected:\\x201");
        assertThat(LogText.clean("a\u0000b\u2028c\u202ed\\e\u0085")).isEqualTo("a\\x00b\\u2028c\\u202ed\\\\e\\x85");
        assertThat(LogText.clean("\ud800x")).isEqualTo("\\ud800x");
    }

    @Test
    void longValuesAreCut() {
        assertThat(LogText.clean("x".repeat(100_000))).hasSize(LogText.MAX_CHARS + 3).endsWith("...");
        assertThat(LogText.clean("\n".repeat(10_000), 40)).hasSizeLessThan(50).endsWith("...");
    }

    @Test
    void exceptionMessagesAreCleanedButTypesAndTracesKept() {
        IllegalArgumentException e = new IllegalArgumentException("bad value: a\r\nX-Forged: yes",
                new IllegalStateException("cause\nline"));
        Throwable safe = LogText.safe(e);
        assertThat(safe.toString()).isEqualTo("java.lang.IllegalArgumentException: bad\\x20value:\\x20a\\x0d\\x0aX-Forged:\\x20yes");
        assertThat(safe.getStackTrace()).isEqualTo(e.getStackTrace());
        assertThat(safe.getCause().toString()).doesNotContain("\n").startsWith("java.lang.IllegalStateException");
    }
}
