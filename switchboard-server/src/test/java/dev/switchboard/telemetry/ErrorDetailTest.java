package dev.switchboard.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What an unauthenticated health report keeps of an error text: its class and HTTP status, nothing an upstream said. */
class ErrorDetailTest {
    @Test
    void keepsTheClassAndStatusAndDropsTheUpstreamsWords() {
        assertThat(ErrorDetail.scrub("server_error: Provider 'p' returned HTTP 503: tenant acme's fine-tune ft:gpt-4o:acme is down"))
                .isEqualTo("server_error: Provider 'p' returned HTTP 503");
        assertThat(ErrorDetail.scrub("5 consecutive failures, last: upstream_timeout"))
                .isEqualTo("5 consecutive failures, last: upstream_timeout");
        assertThat(ErrorDetail.scrub("health check failed: unreachable: Connection refused: internal-host/10.1.2.3:443"))
                .isEqualTo("health check failed: unreachable");
        assertThat(ErrorDetail.scrub("upstream_timeout: Provider 'p' did not answer in 30s")).isEqualTo("upstream_timeout");
        assertThat(ErrorDetail.scrub("no answer within the check's timeout")).isEqualTo("no answer within the check's timeout");
        assertThat(ErrorDetail.scrub(null)).isEmpty();
    }

    @Test
    void boundsEveryText() {
        String huge = "x".repeat(100_000);
        assertThat(ErrorDetail.scrub(huge).length()).isLessThanOrEqualTo(161);
        assertThat(ErrorDetail.cap(huge).length()).isLessThanOrEqualTo(ErrorDetail.MAX + 1);
        assertThat(ErrorDetail.scrub("bad\r\nline")).doesNotContain("\r", "\n");
    }
}
