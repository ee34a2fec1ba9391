package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testing.FakeGeminiUpstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fake is only worth its green if it refuses what the real Gemini API refuses. */
class GeminiFakeUpstreamIT {
    static FakeGeminiUpstream upstream;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper MAPPER = new ObjectMapper();

    @BeforeAll
    static void start() {
        upstream = FakeGeminiUpstream.start();
    }

    @AfterAll
    static void stop() {
        upstream.close();
    }

    @BeforeEach
    void clear() {
        upstream.reset();
    }

    static HttpResponse<String> post(String path, String key, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(upstream.baseUrl() + path))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("x-goog-api-key", key);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static final String OK = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]}";

    @Test
    void answersAValidRequestInGeminisShape() throws Exception {
        HttpResponse<String> r = post("/models/gemini-2.5-flash:generateContent", FakeGeminiUpstream.API_KEY, OK);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = MAPPER.readTree(r.body());
        assertThat(body.at("/candidates/0/content/parts/0/text").asText()).isEqualTo("echo: hi");
        assertThat(body.at("/candidates/0/finishReason").asText()).isEqualTo("STOP");
        assertThat(body.at("/usageMetadata/promptTokenCount").asInt()).isEqualTo(FakeGeminiUpstream.PROMPT_TOKENS);
    }

    @Test
    void refusesWhatTheRealApiRefuses() throws Exception {
        assertThat(post("/models/m:generateContent", null, OK).statusCode()).isEqualTo(403);
        HttpResponse<String> badKey = post("/models/m:generateContent", "wrong", OK);
        assertThat(badKey.statusCode()).isEqualTo(400);
        assertThat(badKey.body()).contains("API_KEY_INVALID");
        assertThat(post("/models/m:generateContent", FakeGeminiUpstream.API_KEY,
                "{\"model\":\"m\",\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]}").body())
                .contains("Unknown name \\\"model\\\"");
        assertThat(post("/models/m:generateContent", FakeGeminiUpstream.API_KEY,
                "{\"contents\":[{\"role\":\"assistant\",\"parts\":[{\"text\":\"hi\"}]}]}").body()).contains("valid role");
        assertThat(post("/models/m:generateContent", FakeGeminiUpstream.API_KEY,
                "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}],\"generationConfig\":{\"max_tokens\":5}}").statusCode())
                .isEqualTo(400);
        assertThat(post("/models/m:streamGenerateContent", FakeGeminiUpstream.API_KEY, OK).statusCode()).isEqualTo(400);
        assertThat(post("/chat/completions", FakeGeminiUpstream.API_KEY, OK).statusCode()).isEqualTo(404);
        assertThat(upstream.rejections()).hasSize(5);
    }

    @Test
    void streamsServerSentEvents() throws Exception {
        HttpResponse<String> r = post("/models/m:streamGenerateContent?alt=sse", FakeGeminiUpstream.API_KEY, OK);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("text/event-stream");
        assertThat(r.body()).startsWith("data: {").contains("\"finishReason\":\"STOP\"").doesNotContain("[DONE]");
    }
}
