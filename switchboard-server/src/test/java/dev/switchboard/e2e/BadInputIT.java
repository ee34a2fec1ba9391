package dev.switchboard.e2e;

import static dev.switchboard.testing.ErrorBodies.assertError;
import static dev.switchboard.testing.ErrorBodies.assertErrorJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.RawHttp;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Requests the gateway must refuse with a 400 or 413 before anything reaches the upstream. */
class BadInputIT {
    static final int MAX_BODY = 4096;

    static FakeUpstream upstream;
    static GatewayFixture gateway;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = GatewayFixture.withYaml(GatewayFixture.defaultYaml(upstream, "")
                .replace("event_loops: 1 }", "event_loops: 1, max_body: 4KiB }"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void clear() {
        upstream.reset();
    }

    @AfterEach
    void nothingReachedTheUpstream() {
        assertThat(upstream.requests()).isEmpty();
    }

    @Test
    void malformedJsonIs400WithPosition() {
        JsonNode error = assertError(gateway.post("/v1/chat/completions", "{\"model\": \"smart\", \"messages\": [}"),
                400, "invalid_request_error", "invalid_json");
        assertThat(error.get("message").asText()).contains("not valid JSON").contains("line 1");
    }

    @Test
    void emptyBodyIs400() {
        assertError(gateway.post("/v1/chat/completions", ""), 400, "invalid_request_error", "invalid_json");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"[]", "\"hello\"", "42", "null", "true"})
    void bodyThatIsNotAnObjectIs400(String body) {
        JsonNode error = assertError(gateway.post("/v1/chat/completions", body), 400, "invalid_request_error", "invalid_json");
        assertThat(error.get("message").asText()).contains("JSON object");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "missing model          | {\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}                          | missing_required_parameter | model",
            "null model             | {\"model\":null,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}             | missing_required_parameter | model",
            "missing messages       | {\"model\":\"smart\"}                                                             | missing_required_parameter | messages",
            "model not a string     | {\"model\":42,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}               | invalid_parameter          | model",
            "blank model            | {\"model\":\" \",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}            | invalid_parameter          | model",
            "stream not boolean     | {\"model\":\"smart\",\"stream\":\"yes\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]} | invalid_parameter | stream",
            "messages not array     | {\"model\":\"smart\",\"messages\":\"hi\"}                                          | invalid_parameter          | messages",
            "messages empty         | {\"model\":\"smart\",\"messages\":[]}                                              | invalid_parameter          | messages",
            "message not object     | {\"model\":\"smart\",\"messages\":[\"hi\"]}                                        | invalid_parameter          | messages[0]",
            "bad role               | {\"model\":\"smart\",\"messages\":[{\"role\":\"wizard\",\"content\":\"hi\"}]}      | invalid_parameter          | messages[0].role",
            "missing role           | {\"model\":\"smart\",\"messages\":[{\"content\":\"hi\"}]}                          | missing_required_parameter | messages[0].role",
            "content not text       | {\"model\":\"smart\",\"messages\":[{\"role\":\"user\",\"content\":7}]}             | invalid_parameter          | messages[0].content",
            "n zero                 | {\"model\":\"smart\",\"n\":0,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]} | invalid_parameter          | n",
            "stream_options scalar  | {\"model\":\"smart\",\"stream\":true,\"stream_options\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]} | invalid_parameter | stream_options",
    })
    void invalidChatRequestIs400NamingTheParameter(String what, String body, String code, String param) {
        JsonNode error = assertError(gateway.post("/v1/chat/completions", body), 400, "invalid_request_error", code);
        assertThat(error.get("param").asText()).isEqualTo(param);
    }

    @Test
    void streamedEmbeddingsAre400() {
        JsonNode error = assertError(gateway.post("/v1/embeddings", "{\"model\":\"fake/text-embedding-3-small\",\"input\":\"x\",\"stream\":true}"),
                400, "invalid_request_error", "invalid_parameter");
        assertThat(error.get("param").asText()).isEqualTo("stream");
    }

    @Test
    void bodyOverLimitWithContentLengthIs413() {
        String big = "{\"model\":\"smart\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(MAX_BODY) + "\"}]}";
        JsonNode error = assertError(gateway.post("/v1/chat/completions", big), 413, "invalid_request_error", "request_too_large");
        assertThat(error.get("message").asText()).contains(Integer.toString(MAX_BODY));
    }

    @Test
    void bodyJustUnderLimitIsAccepted() {
        String prefix = "{\"model\":\"smart\",\"messages\":[{\"role\":\"user\",\"content\":\"";
        String suffix = "\"}]}";
        String body = prefix + "x".repeat(MAX_BODY - prefix.length() - suffix.length()) + suffix;
        assertThat(body).hasSize(MAX_BODY);
        HttpResponse<String> r = gateway.post("/v1/chat/completions", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        upstream.reset(); // this one was meant to reach the upstream
    }

    @Test
    void declaredOversizeBodyIsRefusedWithoutWaitingForIt() {
        // Only the headers are sent: the gateway must answer from Content-Length alone, not wait for 10 MB.
        try (RawHttp raw = RawHttp.connect(gateway.port())) {
            int declared = 10_000_000;
            raw.write(RawHttp.postHead("/v1/chat/completions", "Content-Length: " + declared) + "\r\n{\"model\":");
            RawHttp.Response r = raw.readResponse(Duration.ofSeconds(3));
            assertThat(r.status()).isEqualTo(413);
            assertThat(r.header("connection")).isEqualTo("close");
            assertErrorJson(r.body(), "invalid_request_error", "request_too_large");
            assertThat(raw.closedByPeer(Duration.ofSeconds(3))).as("connection closed after the 413").isTrue();
        }
    }

    @Test
    void chunkedBodyOverLimitIs413WhileTheClientIsStillSending() {
        // No Content-Length: the limit is only passed mid-body, and the terminating chunk never comes.
        try (RawHttp raw = RawHttp.connect(gateway.port())) {
            raw.write(RawHttp.postHead("/v1/chat/completions", "Transfer-Encoding: chunked") + "\r\n");
            String piece = "x".repeat(1500);
            for (int i = 0; i < 4; i++) {
                raw.write(Integer.toHexString(piece.length()) + "\r\n" + piece + "\r\n");
            }
            RawHttp.Response r = raw.readResponse(Duration.ofSeconds(3));
            assertThat(r.status()).isEqualTo(413);
            assertThat(r.header("connection")).isEqualTo("close");
            assertErrorJson(r.body(), "invalid_request_error", "request_too_large");
            assertThat(raw.closedByPeer(Duration.ofSeconds(3))).as("connection closed after the 413").isTrue();
        }
    }

    @Test
    @Timeout(15)
    void clientThatGoesOnUploadingAfterThe413IsCutOffAfterABoundedAmount() {
        long declared = 200L * 1024 * 1024;
        long sent = 0;
        try (RawHttp raw = RawHttp.connect(gateway.port())) {
            raw.write(RawHttp.postHead("/v1/chat/completions", "Content-Length: " + declared) + "\r\n");
            assertThat(raw.readResponse(Duration.ofSeconds(3)).status()).isEqualTo(413);
            byte[] piece = "x".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
            try {
                while (sent < declared) {
                    raw.socket().getOutputStream().write(piece);
                    sent += piece.length;
                }
            } catch (java.io.IOException expected) {
                // the gateway closed the connection
            }
        }
        assertThat(sent).as("bytes the gateway took after refusing the body").isLessThan(32L * 1024 * 1024);
    }

    @Test
    void chunkedBodyOverLimitFromAStreamingClientIs413() {
        // java.net.http sends a body of unknown length with chunked transfer encoding.
        byte[] big = ("{\"model\":\"smart\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "y".repeat(3 * MAX_BODY) + "\"}]}")
                .getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> r = gateway.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + GatewayFixture.KEY)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)))
                .build());
        assertError(r, 413, "invalid_request_error", "request_too_large");
    }

    @ParameterizedTest(name = "chunked={0}")
    @CsvSource({"false", "true"})
    void http11ClientUploadingAWholeLargeBodyStillGetsThe413(boolean chunked) {
        byte[] big = ("{\"model\":\"smart\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "y".repeat(2_000_000) + "\"}]}")
                .getBytes(StandardCharsets.UTF_8);
        HttpClient http11 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + GatewayFixture.KEY)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(5))
                .POST(chunked ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))
                        : HttpRequest.BodyPublishers.ofByteArray(big))
                .build();
        HttpResponse<String> r;
        try {
            r = http11.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError("the client did not get the 413", e);
        }
        assertError(r, 413, "invalid_request_error", "request_too_large");
    }

    @Test
    void chunkedBodyUnderLimitIsAccepted() {
        try (RawHttp raw = RawHttp.connect(gateway.port())) {
            String body = "{\"model\":\"smart\",\"messages\":[{\"role\":\"user\",\"content\":\"chunked\"}]}";
            raw.write(RawHttp.postHead("/v1/chat/completions", "Transfer-Encoding: chunked") + "\r\n");
            raw.write(Integer.toHexString(10) + "\r\n" + body.substring(0, 10) + "\r\n");
            raw.write(Integer.toHexString(body.length() - 10) + "\r\n" + body.substring(10) + "\r\n0\r\n\r\n");
            RawHttp.Response r = raw.readResponse(Duration.ofSeconds(3));
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.body()).contains("echo: chunked");
        }
        upstream.reset();
    }
}
