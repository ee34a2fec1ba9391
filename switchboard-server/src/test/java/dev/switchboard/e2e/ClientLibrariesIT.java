package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.testing.ClientsEnvironment;
import dev.switchboard.testing.NodeClients;
import dev.switchboard.testing.RecordedRequest;
import dev.switchboard.usage.UsageEvent;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The client-compatibility suite: the popular JS clients in {@code clients/} (Vercel AI SDK with its OpenAI and
 * Anthropic providers, LangChain's ChatOpenAI/ChatAnthropic/OpenAIEmbeddings, the openai and @anthropic-ai/sdk
 * SDKs with their helpers), at pinned versions, run with node's test runner against one gateway in front of
 * schema-aware fakes of all four vendors, so every client meets every provider. A failing Node test fails here
 * with its output; what the fakes received is checked here too.
 */
class ClientLibrariesIT {
    static ClientsEnvironment env;
    static NodeClients.Run run;

    @BeforeAll
    static void runTheClients() {
        NodeClients node = NodeClients.locate().ready();
        env = new ClientsEnvironment();
        run = node.test(env.env(), Duration.ofMinutes(2));
        System.out.println(run.output());
        System.out.println("client-compatibility suite: node ran for " + run.took().toMillis() + " ms");
    }

    @AfterAll
    static void stop() {
        if (env != null) {
            env.close();
        }
    }

    @Test
    void everyClientTestPasses() {
        assertThat(run.exitCode())
                .as("node --test failed (%d): %s\n\n%s", run.failures().size(), String.join("\n", run.failures()),
                        tail(run.output(), 20_000))
                .isZero();
        assertThat(run.output()).contains("ℹ fail 0");
    }

    @Test
    void runsInUnderTwoMinutes() {
        assertThat(run.took()).isLessThan(Duration.ofMinutes(2));
    }

    @Test
    void everyProviderWasReached() {
        assertThat(env.openai.requests()).isNotEmpty();
        assertThat(env.anthropic.requests()).isNotEmpty();
        assertThat(env.gemini.requests()).isNotEmpty();
        assertThat(env.bedrock.requests()).isNotEmpty();
    }

    /** Structured output reaches each vendor in its own form: a forced tool, a response schema. */
    @Test
    void structuredOutputReachesEachVendorInItsOwnForm() {
        assertThat(bodies(env.anthropic.requests()))
                .as("a forced tool standing for response_format json_schema")
                .anySatisfy(b -> {
                    assertThat(b.at("/tool_choice/type").asText()).isEqualTo("tool");
                    assertThat(b.at("/tools/0/input_schema/properties/mood/enum").toString()).isEqualTo("[\"happy\",\"sad\"]");
                });
        assertThat(bodies(env.gemini.requests()))
                .as("responseJsonSchema with the client's schema")
                .anySatisfy(b -> assertThat(b.at("/generationConfig/responseJsonSchema/properties/mood/enum").toString())
                        .isEqualTo("[\"happy\",\"sad\"]"));
        assertThat(bodies(env.bedrock.requests()))
                .as("a forced tool (toolChoice.tool) with the client's schema")
                .anySatisfy(b -> {
                    assertThat(b.at("/toolConfig/toolChoice/tool/name").asText()).isNotEmpty();
                    assertThat(b.at("/toolConfig/tools/0/toolSpec/inputSchema/json/properties/mood/enum").toString())
                            .isEqualTo("[\"happy\",\"sad\"]");
                });
        assertThat(bodies(env.openai.requests()))
                .as("response_format json_schema passed through to OpenAI")
                .anySatisfy(b -> assertThat(b.at("/response_format/type").asText()).isEqualTo("json_schema"));
    }

    /** What the clients used is in the ledger, with tokens counted (Gemini embeddings: issue 14.6, until it lands). */
    @Test
    void theLedgerCountsTokensForEverySuccessfulCall() {
        List<UsageEvent> ok = env.gateway.usage().events().stream().filter(e -> e.status() == 200).toList();
        assertThat(ok).extracting(UsageEvent::provider).contains("openai", "anthropic", "gemini", "bedrock");
        List<String> uncounted = ok.stream()
                .filter(e -> e.usage().promptTokens() <= 0 || !e.operation().startsWith("embed") && e.usage().completionTokens() <= 0)
                .map(e -> e.operation() + " " + e.publicModel() + (e.stream() ? " (stream)" : "") + ": " + e.usage())
                .distinct().toList();
        assertThat(uncounted).as("successful calls with no tokens counted").isEmpty();
    }

    /**
     * The strict fakes refuse what the real vendors refuse: the gateway sent none of it. (Until issue 14.4 lands,
     * Bedrock refuses the lone toolResult the tool runner's threaded turn is translated to.)
     */
    @Test
    void noVendorRefusedARequest() {
        assertThat(env.rejections()).allSatisfy((vendor, refused) -> assertThat(refused).as(vendor).isEmpty());
    }

    private static List<JsonNode> bodies(List<RecordedRequest> requests) {
        return requests.stream().filter(r -> r.body().startsWith("{")).map(RecordedRequest::json).toList();
    }

    private static String tail(String s, int max) {
        return s.length() <= max ? s : "…" + s.substring(s.length() - max);
    }
}
