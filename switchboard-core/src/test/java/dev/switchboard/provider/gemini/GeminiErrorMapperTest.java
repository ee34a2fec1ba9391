package dev.switchboard.provider.gemini;

import static dev.switchboard.provider.gemini.GeminiFixtures.ENDPOINT;
import static dev.switchboard.provider.gemini.GeminiFixtures.KEY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GeminiErrorMapperTest {

    @ParameterizedTest
    @CsvSource({
            "400, INVALID_ARGUMENT,    UPSTREAM_CLIENT_ERROR, 400",
            "400, FAILED_PRECONDITION, UPSTREAM_CLIENT_ERROR, 400",
            "401, UNAUTHENTICATED,     UPSTREAM_SERVER_ERROR, 502",
            "403, PERMISSION_DENIED,   UPSTREAM_SERVER_ERROR, 502",
            "404, NOT_FOUND,           MODEL_NOT_FOUND,       404",
            "429, RESOURCE_EXHAUSTED,  UPSTREAM_RATE_LIMITED, 429",
            "500, INTERNAL,            UPSTREAM_SERVER_ERROR, 502",
            "503, UNAVAILABLE,         UPSTREAM_OVERLOADED,   503",
            "504, DEADLINE_EXCEEDED,   UPSTREAM_TIMEOUT,      504",
    })
    void statusesMapToGatewayErrors(int code, String status, ErrorKind kind, int gatewayStatus) {
        GatewayException e = GeminiErrorMapper.map(ENDPOINT, code, "7", body(code, status, "went wrong", ""));
        assertThat(e.kind()).isEqualTo(kind);
        assertThat(e.status()).isEqualTo(gatewayStatus);
        assertThat(e.getMessage()).startsWith("Provider 'google'");
    }

    @Test
    void rateLimitsPassRetryAfterOnAndKeepTheMessage() {
        GatewayException e = GeminiErrorMapper.map(ENDPOINT, 429, "12",
                body(429, "RESOURCE_EXHAUSTED", "You exceeded your current quota", ""));
        assertThat(e.retryAfter()).isEqualTo("12");
        assertThat(e.kind().retryable()).isTrue();
        assertThat(e.getMessage()).contains("exceeded your current quota");
    }

    @Test
    void anInvalidKeyIsTheGatewaysProblemNotTheCallers() {
        GatewayException e = GeminiErrorMapper.map(ENDPOINT, 400, null, body(400, "INVALID_ARGUMENT",
                "API key not valid. Please pass a valid API key. " + KEY,
                ",\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"API_KEY_INVALID\"}]"));
        assertThat(e.status()).isEqualTo(502);
        assertThat(e.getMessage()).doesNotContain(KEY);
    }

    @Test
    void theProviderKeyNeverReachesTheMessage() {
        GatewayException e = GeminiErrorMapper.map(ENDPOINT, 400, null, body(400, "INVALID_ARGUMENT", "bad key=" + KEY, ""));
        assertThat(e.getMessage()).doesNotContain(KEY).contains("***");
    }

    @Test
    void aBodyThatIsNotGooglesFallsBackToTheStatus() {
        assertThat(GeminiErrorMapper.map(ENDPOINT, 503, null, "<html>busy</html>".getBytes()).kind())
                .isEqualTo(ErrorKind.UPSTREAM_OVERLOADED);
        assertThat(GeminiErrorMapper.map(ENDPOINT, 429, null, null).kind()).isEqualTo(ErrorKind.UPSTREAM_RATE_LIMITED);
    }

    private static byte[] body(int code, String status, String message, String extra) {
        return ("{\"error\":{\"code\":" + code + ",\"message\":\"" + message + "\",\"status\":\"" + status + "\"" + extra + "}}")
                .getBytes(StandardCharsets.UTF_8);
    }
}
