package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.RawHttp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Anthropic's models list over thousands of models and a provider whose model list names one model twice (a
 * careless config, or two environment variables with one value): every page is a step forward, so a client that
 * pages with {@code after_id} (as the SDKs' auto-pagers do) reaches the end, and sees each model once.
 */
class AnthropicModelsPagingIT {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final int ALIASES = 3000;
    static FakeUpstream upstream;
    static GatewayFixture gateway;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        String aliases = GatewayFixture.aliases(ALIASES, "fake/gpt-4o");
        gateway = GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                providers:
                  - name: fake
                    type: openai
                    base_url: %s
                    api_key: %s
                    models: [gpt-4o, gpt-4o-mini, gpt-4o, text-embedding-3-small]
                models:
                %skeys:
                  - { name: tester, key: %s }
                """.formatted(upstream.baseUrl(), GatewayFixture.UPSTREAM_KEY, aliases, GatewayFixture.KEY));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    static JsonNode get(String pathAndQuery) throws Exception {
        try (RawHttp raw = RawHttp.connect(gateway.port())) {
            raw.write("GET " + pathAndQuery + " HTTP/1.1\r\nHost: x\r\nx-api-key: " + GatewayFixture.KEY
                    + "\r\nanthropic-version: 2023-06-01\r\n\r\n");
            RawHttp.Response res = raw.readResponse(Duration.ofSeconds(10));
            assertThat(res.status()).as(res.body()).isEqualTo(200);
            return MAPPER.readTree(res.body());
        }
    }

    /** Pages forward from the start with {@code limit}, as an auto-pager does; at most {@code maxPages} calls. */
    static List<String> pageForward(int limit, int maxPages) throws Exception {
        List<String> seen = new ArrayList<>();
        String after = null;
        for (int page = 0; page < maxPages; page++) {
            JsonNode p = get("/v1/models?limit=" + limit + (after == null ? "" : "&after_id=" + after));
            p.path("data").forEach(m -> seen.add(m.path("id").asText()));
            if (!p.path("has_more").asBoolean()) {
                return seen;
            }
            after = p.path("last_id").asText();
        }
        throw new AssertionError("no end after " + maxPages + " pages; the last ones: "
                + seen.subList(Math.max(0, seen.size() - 5), seen.size()));
    }

    @Test
    void aModelNamedTwiceInTheConfigDoesNotTrapAPagingClient() throws Exception {
        List<String> seen = pageForward(1, ALIASES + 20);
        assertThat(seen).doesNotHaveDuplicates();
        assertThat(seen).contains("fake/gpt-4o", "fake/gpt-4o-mini", "fake/text-embedding-3-small", "alias-2999");
        assertThat(seen).hasSize(ALIASES + 3);
    }

    @Test
    void thousandsOfModelsPageForwardAndBackCompletely() throws Exception {
        List<String> forward = pageForward(1000, 10);
        assertThat(forward).hasSize(ALIASES + 3).doesNotHaveDuplicates();
        // and back from the end with before_id, to the first
        List<String> backward = new ArrayList<>();
        String before = forward.get(forward.size() - 1);
        backward.add(before);
        for (int page = 0; page < 10; page++) {
            JsonNode p = get("/v1/models?limit=1000&before_id=" + before);
            List<String> ids = new ArrayList<>();
            p.path("data").forEach(m -> ids.add(m.path("id").asText()));
            backward.addAll(0, ids);
            if (!p.path("has_more").asBoolean()) {
                break;
            }
            before = p.path("first_id").asText();
        }
        assertThat(backward).isEqualTo(forward);
        assertThat(new HashSet<>(backward)).hasSize(forward.size());
    }

    @Test
    void theOpenAiListNamesEachModelOnceToo() throws Exception {
        JsonNode list = MAPPER.readTree(gateway.get("/v1/models").body());
        List<String> ids = new ArrayList<>();
        list.path("data").forEach(m -> ids.add(m.path("id").asText()));
        assertThat(ids).hasSize(ALIASES + 3).doesNotHaveDuplicates();
    }
}
