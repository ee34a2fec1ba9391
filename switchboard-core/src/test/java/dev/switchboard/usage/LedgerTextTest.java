package dev.switchboard.usage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Usage events never carry text a database refuses (NUL, broken UTF-16) or of unbounded length. */
class LedgerTextTest {
    @Test
    void cleanTextIsKeptAsItIs() {
        String model = "anthropic/claude-sonnet-4.5 \u00e9\ud83d\ude00";
        assertThat(LedgerText.clean(model)).isSameAs(model);
        assertThat(LedgerText.clean(null)).isNull();
    }

    @Test
    void controlsAreEscapedSurrogatesRepairedAndLengthBounded() {
        assertThat(LedgerText.clean("nope\u0000\r\n\u007f")).isEqualTo("nope\\u0000\\u000d\\u000a\\u007f");
        assertThat(LedgerText.clean("a\ud800b\udc00")).isEqualTo("a\ufffdb\ufffd");
        assertThat(LedgerText.clean("m".repeat(1_000_000))).hasSize(LedgerText.MAX_CHARS);
        assertThat(LedgerText.clean("\u0000".repeat(1000))).hasSizeLessThanOrEqualTo(LedgerText.MAX_CHARS)
                .doesNotContain("\u0000");
        String pairs = "\ud83d\ude00".repeat(200); // never cut between the two halves of a pair
        String cut = LedgerText.clean(pairs);
        assertThat(cut).hasSize(LedgerText.MAX_CHARS);
        assertThat(Character.isHighSurrogate(cut.charAt(cut.length() - 1))).isFalse();
    }

    @Test
    void everyTextFieldOfAnEventIsCleaned() {
        String bad = "x\u0000" + "y".repeat(500);
        UsageEvent e = new UsageEvent(Instant.EPOCH, bad, bad, bad, bad, bad, bad, false, 200, Usage.NONE, false, 1, -1,
                bad, UsageEvent.UNKNOWN_COST, bad);
        for (String s : new String[] {e.requestId(), e.keyName(), e.operation(), e.publicModel(), e.provider(),
                e.upstreamModel(), e.team(), e.clientRequestId()}) {
            assertThat(s).startsWith("x\\u0000y").hasSize(LedgerText.MAX_CHARS);
        }
    }
}
