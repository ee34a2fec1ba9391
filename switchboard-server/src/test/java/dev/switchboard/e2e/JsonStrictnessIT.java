package dev.switchboard.e2e;

import static dev.switchboard.testing.ErrorBodies.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bodies a provider could read differently from the gateway are refused with a 400 in the caller's dialect on
 * every ingress path, before anything is sent: a key given twice (top level, stream_options, a message; anywhere
 * on the Anthropic endpoints), malformed UTF-8 or an unpaired surrogate escape in a key or string, and nesting
 * deeper than the gateway can write back.
 */
class JsonStrictnessIT {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final List<String> OPENAI_PATHS = List.of("/v1/chat/completions", "/v1/completions", "/v1/embeddings");
    static final List<String> ANTHROPIC_PATHS = List.of("/v1/messages", "/v1/messages/count_tokens");

    static FakeUpstream upstream;
    static GatewayFixture gateway;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = GatewayFixture.openAi(upstream);
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

    static HttpResponse<String> post(String path, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + path))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (path.startsWith("/v1/messages")) {
            b.header("x-api-key", GatewayFixture.KEY).header("anthropic-version", "2023-06-01");
        } else {
            b.header("authorization", "Bearer " + GatewayFixture.KEY);
        }
        return gateway.send(b.build());
    }

    static HttpResponse<String> post(String path, String body) {
        return post(path, body.getBytes(StandardCharsets.UTF_8));
    }

    /** A valid request for the path, with {@code extra} spliced in after its first brace. */
    static String body(String path, String extra) {
        String base = switch (path) {
            case "/v1/completions" -> "{\"model\":\"fake/gpt-4o\",\"prompt\":\"hi\"}";
            case "/v1/embeddings" -> "{\"model\":\"fake/text-embedding-3-small\",\"input\":\"hi\"}";
            case "/v1/messages", "/v1/messages/count_tokens" ->
                    "{\"model\":\"fake/gpt-4o\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            default -> "{\"model\":\"fake/gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        };
        return extra.isEmpty() ? base : "{" + extra + "," + base.substring(1);
    }

    static void assert400(String path, HttpResponse<String> r) throws Exception {
        if (path.startsWith("/v1/messages")) {
            assertThat(r.statusCode()).as("%s: %s", path, r.body()).isEqualTo(400);
            JsonNode body = MAPPER.readTree(r.body());
            assertThat(body.path("type").asText()).isEqualTo("error");
            assertThat(body.path("error").path("type").asText()).isEqualTo("invalid_request_error");
        } else {
            assertError(r, 400, "invalid_request_error", "invalid_json");
        }
    }

    @Test
    void validBodiesStillPass() {
        for (String path : List.of("/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/messages",
                "/v1/messages/count_tokens")) {
            // Anthropic's Messages API has no 'user' (an unknown field is refused there): its system prompt then
            String field = path.startsWith("/v1/messages") ? "system" : "user";
            HttpResponse<String> r = post(path, body(path, "\"" + field + "\":\"caf\u00e9 \ud83d\ude00 \\ud83d\\ude00 \\u00e9\""));
            assertThat(r.statusCode()).as("%s: %s", path, r.body()).isEqualTo(200);
        }
    }

    @Test
    void duplicateStreamOptionsCannotHideStreamUsage() throws Exception {
        String body = "{\"model\":\"fake/gpt-4o\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"stream_options\":null,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        HttpResponse<String> r = post("/v1/chat/completions", body);
        assertThat(assertError(r, 400, "invalid_request_error", "invalid_json").get("param").asText()).isEqualTo("stream_options");
        assert400("/v1/chat/completions", post("/v1/chat/completions", body(
                "/v1/chat/completions", "\"stream\":true,\"stream_options\":{\"include_usage\":true,\"include_usage\":false}")));
        assertThat(upstream.requests()).isEmpty();
    }

    @Test
    void duplicateKeysAreRefusedOnEveryPath() throws Exception {
        for (String path : OPENAI_PATHS) {
            for (String extra : List.of("\"model\":\"fake/gpt-4o-mini\"", "\"temperature\":1,\"temperature\":0",
                    "\"user\":\"a\",\"user\":null", "\"x\":{},\"x\":[]")) {
                assert400(path, post(path, body(path, extra)));
            }
        }
        assert400("/v1/chat/completions", post("/v1/chat/completions",
                "{\"model\":\"fake/gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"a\",\"content\":\"b\"}]}"));
        assert400("/v1/chat/completions", post("/v1/chat/completions",
                "{\"model\":\"fake/gpt-4o\",\"messages\":[{\"role\":\"system\",\"role\":\"user\",\"content\":\"a\"}]}"));
        for (String path : ANTHROPIC_PATHS) {
            assert400(path, post(path, body(path, "\"model\":\"fake/gpt-4o-mini\"")));
            assert400(path, post(path, body(path, "\"system\":\"a\",\"system\":\"b\"")));
            assert400(path, post(path, body(path, "\"tools\":[{\"name\":\"t\",\"input_schema\":{\"type\":\"object\","
                    + "\"type\":\"string\"}}]")));
            assert400(path, post(path, "{\"model\":\"fake/gpt-4o\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\","
                    + "\"content\":[{\"type\":\"text\",\"text\":\"a\",\"text\":\"b\"}]}]}"));
        }
        assertThat(upstream.requests()).isEmpty();
    }

    @Test
    void invalidUtf8AndLoneSurrogatesAreRefusedOnEveryPath() throws Exception {
        List<String> badBytes = List.of("f4908080", "f5808080", "c0af", "e08080", "eda080", "80", "e282", "ff", "f8888080");
        List<String> badEscapes = List.of("\\ud800", "\\udc00", "\\ud800x", "\\ud800\\u0041", "\\udbff\\ud800");
        for (String path : List.of("/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/messages",
                "/v1/messages/count_tokens")) {
            for (String hex : badBytes) {
                byte[] bad = HexFormat.of().parseHex(hex);
                assert400(path, post(path, withBytes(body(path, "\"user\":\"a@b\""), bad)));   // in a string
                assert400(path, post(path, withBytes(body(path, "\"@\":1"), bad)));             // in a key
            }
            for (String esc : badEscapes) {
                assert400(path, post(path, body(path, "\"user\":\"" + esc + "\"")));
                assert400(path, post(path, body(path, "\"" + esc + "\":1")));
            }
        }
        assertThat(upstream.requests()).isEmpty();
    }

    /** The body's UTF-8 with the first {@code @} replaced by raw bytes. */
    static byte[] withBytes(String body, byte[] bytes) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        int at = body.indexOf('@');
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(b, 0, at);
        out.writeBytes(bytes);
        out.write(b, at + 1, b.length - at - 1);
        return out.toByteArray();
    }

    static String nested(int depth) {
        return "{\"type\":\"object\",\"properties\":{\"a\":".repeat(depth) + "{\"type\":\"string\"}" + "}}".repeat(depth);
    }

    @Test
    void nestingDeeperThanCanBeWrittenIs400OnEveryPath() throws Exception {
        String deep = nested(750); // 1500 levels of objects
        for (String path : ANTHROPIC_PATHS) {
            assert400(path, post(path, body(path, "\"tools\":[{\"name\":\"t\",\"input_schema\":" + deep + "}]")));
        }
        for (String path : OPENAI_PATHS) {
            assert400(path, post(path, body(path, "\"x\":" + deep)));
        }
        String arrays = "[".repeat(1500) + "]".repeat(1500);
        assert400("/v1/chat/completions", post("/v1/chat/completions", body("/v1/chat/completions", "\"x\":" + arrays)));
        assert400("/v1/messages", post("/v1/messages", body("/v1/messages", "\"metadata\":" + arrays)));
        assertThat(upstream.requests()).isEmpty();
        // a deep but writable tool schema still goes through, translated
        HttpResponse<String> ok = post("/v1/messages", body("/v1/messages",
                "\"tools\":[{\"name\":\"t\",\"input_schema\":" + nested(400) + "}]"));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    }
}
