package dev.switchboard.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.util.List;

/**
 * Assertions for the gateway's error answers: OpenAI's shape {@code {"error":{"message","type","param","code"}}},
 * the expected status, a JSON content type, and never the client key or the upstream key anywhere in the body.
 */
public final class ErrorBodies {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ErrorBodies() {}

    /** Checks an HTTP error answer and returns its {@code error} object. */
    public static JsonNode assertError(HttpResponse<String> response, int status, String type, String code) {
        assertThat(response.statusCode()).as("status of %s", response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        response.headers().map().values().stream().flatMap(List::stream).forEach(ErrorBodies::assertNoSecrets);
        return assertErrorJson(response.body(), type, code);
    }

    /** Checks an error JSON document (an HTTP body or a stream's error event) and returns its {@code error} object. */
    public static JsonNode assertErrorJson(String body, String type, String code) {
        assertNoSecrets(body);
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (Exception e) {
            throw new AssertionError("error body is not JSON: " + body, e);
        }
        assertThat(root.isObject()).as("error body is an object: %s", body).isTrue();
        assertThat(root.size()).as("only 'error' at the top: %s", body).isEqualTo(1);
        JsonNode error = root.get("error");
        assertThat(error).as("'error' member in %s", body).isNotNull();
        assertThat(error.isObject()).isTrue();
        assertThat(error.has("message") && error.has("type") && error.has("param") && error.has("code"))
                .as("message, type, param and code in %s", body).isTrue();
        assertThat(error.get("message").isTextual()).isTrue();
        assertThat(error.get("message").asText()).isNotBlank();
        assertThat(error.get("param").isNull() || error.get("param").isTextual()).as("param is a string or null").isTrue();
        assertThat(error.get("type").asText()).as("type in %s", body).isEqualTo(type);
        assertThat(error.get("code").asText()).as("code in %s", body).isEqualTo(code);
        return error;
    }

    public static void assertNoSecrets(String text) {
        assertThat(text).doesNotContain(GatewayFixture.KEY).doesNotContain(GatewayFixture.UPSTREAM_KEY);
    }
}
