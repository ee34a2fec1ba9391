package dev.switchboard.limits;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AdmissionHeadersTest {
    @Test
    void resetDurationsAreWrittenLikeOpenAi() {
        assertThat(ResetFormat.of(20)).isEqualTo("20ms");
        assertThat(ResetFormat.of(1000)).isEqualTo("1s");
        assertThat(ResetFormat.of(1500)).isEqualTo("2s");
        assertThat(ResetFormat.of(360_000)).isEqualTo("6m0s");
        assertThat(ResetFormat.of(3_723_000)).isEqualTo("1h2m3s");
    }

    @Test
    void noLimitsMeansNoHeaders() {
        Admission a = Admission.admitted(Reservation.NONE, null, null);
        assertThat(a.headers()).isEmpty();
        assertThat(a.retryAfterSeconds()).isZero();
    }

    @Test
    void refusalHeadersCarryRetryAfter() {
        Admission a = Admission.refused(new Refusal("key:a", LimitKind.TOKENS_PER_MINUTE, 2500),
                null, new WindowState(1000, 0, 2500));
        assertThat(a.headers()).containsExactly(
                java.util.Map.entry("x-ratelimit-limit-tokens", "1000"),
                java.util.Map.entry("x-ratelimit-remaining-tokens", "0"),
                java.util.Map.entry("x-ratelimit-reset-tokens", "3s"),
                java.util.Map.entry("retry-after", "3"));
    }
}
