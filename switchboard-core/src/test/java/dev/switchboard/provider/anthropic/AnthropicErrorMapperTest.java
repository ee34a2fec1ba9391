package dev.switchboard.provider.anthropic;

import static dev.switchboard.provider.anthropic.AnthropicFixtures.ENDPOINT;
import static dev.switchboard.provider.anthropic.AnthropicFixtures.KEY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnthropicErrorMapperTest {

    @ParameterizedTest
    @CsvSource({
            "400, invalid_request_error, UPSTREAM_CLIENT_ERROR, 400",
            "401, authentication_error,  UPSTREAM_SERVER_ERROR, 502",
            "403, permission_error,      UPSTREAM_SERVER_ERROR, 502",
            "402, billing_error,         UPSTREAM_SERVER_ERROR, 502",
            "404, not_found_error,       MODEL_NOT_FOUND,       404",
            "413, request_too_large,     UPSTREAM_CLIENT_ERROR, 413",
            "429, rate_limit_error,      UPSTREAM_RATE_LIMITED, 429",
            "500, api_error,             UPSTREAM_SERVER_ERROR, 502",
            "504, timeout_error,         UPSTREAM_TIMEOUT,      504",
            "529, overloaded_error,      UPSTREAM_OVERLOADED,   503",
    })
    void errorTypesMapToGatewayErrors(int status, String type, ErrorKind kind, int gatewayStatus) {
        GatewayException e = AnthropicErrorMapper.map(ENDPOINT, status, "7", body(type, "went wrong"));
        assertThat(e.kind()).isEqualTo(kind);
        assertThat(e.status()).isEqualTo(gatewayStatus);
        assertThat(e.getMessage()).startsWith("Provider 'claude'");
    }

    @Test
    void rateLimitsPassRetryAfterOnAndKeepTheMessage() {
        GatewayException e = AnthropicErrorMapper.map(ENDPOINT, 429, "12", body("rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit"));
        assertThat(e.retryAfter()).isEqualTo("12");
        assertThat(e.kind().retryable()).isTrue();
        assertThat(e.getMessage()).contains("per-minute rate limit").contains("request_id req_011");
    }

    @Test
    void theProviderKeyNeverReachesTheMessage() {
        GatewayException e = AnthropicErrorMapper.map(ENDPOINT, 400, null, body("invalid_request_error", "bad header x-api-key: " + KEY));
        assertThat(e.getMessage()).doesNotContain(KEY).contains("***");
        GatewayException auth = AnthropicErrorMapper.map(ENDPOINT, 401, null, body("authentication_error", "invalid x-api-key " + KEY));
        assertThat(auth.getMessage()).doesNotContain(KEY);
        assertThat(auth.status()).isNotEqualTo(401);
    }

    @Test
    void aSpendLimitIsNotARetryableRateLimit() {
        byte[] b = ("{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"limit\","
                + "\"details\":{\"error_code\":\"enforced_spend_limit_reached\"}}}").getBytes(StandardCharsets.UTF_8);
        assertThat(AnthropicErrorMapper.map(ENDPOINT, 429, null, b).kind()).isEqualTo(ErrorKind.UPSTREAM_SERVER_ERROR);
    }

    @Test
    void bodiesNotInAnthropicsShapeFallBackOnTheStatus() {
        GatewayException html = AnthropicErrorMapper.map(ENDPOINT, 502, null, "<html>bad gateway</html>".getBytes(StandardCharsets.UTF_8));
        assertThat(html.kind()).isEqualTo(ErrorKind.UPSTREAM_SERVER_ERROR);
        GatewayException unknown = AnthropicErrorMapper.map(ENDPOINT, 409, null, body("conflict_error", "busy"));
        assertThat(unknown.kind()).isEqualTo(ErrorKind.UPSTREAM_CLIENT_ERROR);
        assertThat(unknown.status()).isEqualTo(409);
    }

    private static byte[] body(String type, String message) {
        return ("{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"" + message + "\"},\"request_id\":\"req_011\"}")
                .getBytes(StandardCharsets.UTF_8);
    }
}
