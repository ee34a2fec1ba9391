package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The semantic cache, end to end with the bundled embedding model: a paraphrase of a stored question is answered
 * from the cache ({@code semantic-hit} and its score); another number, a negation, another tenant or another system
 * prompt is not.
 */
class SemanticCacheIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String OTHER_KEY = "sk-semantic-other-tenant-1";
    static FakeUpstream upstream;
    static GatewayFixture gateway;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                providers:
                  - { name: fake, type: openai, base_url: %s, api_key: %s, models: [gpt-4o] }
                keys:
                  - { name: tester, key: %s }
                  - { name: other, key: %s }
                stages:
                  - { type: cache, settings: { semantic: { threshold: 0.9 } } }
                """.formatted(upstream.baseUrl(), GatewayFixture.UPSTREAM_KEY, GatewayFixture.KEY, OTHER_KEY));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    static HttpResponse<String> ask(String key, String system, String question) {
        return ask(gateway, key, system, question);
    }

    static HttpResponse<String> ask(GatewayFixture gateway, String key, String system, String question) {
        String messages = (system == null ? "" : "{\"role\":\"system\",\"content\":\"" + system + "\"},")
                + "{\"role\":\"user\",\"content\":\"" + question + "\"}";
        return gateway.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                .header("authorization", "Bearer " + key).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"fake/gpt-4o\",\"temperature\":0,\"messages\":["
                        + messages + "]}")).build());
    }

    static String cache(HttpResponse<String> r) {
        return r.headers().firstValue("x-switchboard-cache").orElse("(none)");
    }

    /** The index is written off the event loop just after the answer is stored: wait until it is there. */
    static HttpResponse<String> askUntilSemantic(String key, String system, String question) throws InterruptedException {
        return askUntilSemantic(gateway, key, system, question);
    }

    static HttpResponse<String> askUntilSemantic(GatewayFixture gateway, String key, String system, String question)
            throws InterruptedException {
        Thread.sleep(300); // a paraphrase asked before the index has the text is a miss, and then an exact entry of its own
        HttpResponse<String> r = ask(gateway, key, system, question);
        for (int i = 0; i < 50 && !cache(r).equals("semantic-hit"); i++) {
            Thread.sleep(100);
            r = ask(gateway, key, system, question);
        }
        return r;
    }

    @Test
    void aParaphraseIsAnsweredFromTheCacheWithItsScore() throws Exception {
        HttpResponse<String> first = ask(GatewayFixture.KEY, null, "How do I reverse a string in Python?");
        assertThat(cache(first)).isEqualTo("miss");
        HttpResponse<String> para = askUntilSemantic(GatewayFixture.KEY, null, "How can I reverse a string in Python?");
        assertThat(cache(para)).isEqualTo("semantic-hit");
        assertThat(Double.parseDouble(para.headers().firstValue("x-switchboard-cache-score").orElseThrow())).isGreaterThanOrEqualTo(0.9);
        assertThat(JSON.readTree(para.body()).path("choices").path(0).path("message").path("content").asText())
                .isEqualTo("echo: How do I reverse a string in Python?"); // the stored answer, as it was
        int before = upstream.requests().size();
        HttpResponse<String> again = ask(GatewayFixture.KEY, null, "How can I reverse a string in Python?");
        assertThat(cache(again)).isIn("semantic-hit", "hit");
        assertThat(upstream.requests()).as("answered from the cache: the provider was not asked").hasSize(before);
    }

    @Test
    void nearMissesAndOtherTenantsAreNotAnswered() throws Exception {
        ask(GatewayFixture.KEY, null, "What is 12 times 12?");
        askUntilSemantic(GatewayFixture.KEY, null, "What's 12 times 12?"); // indexed now
        assertThat(cache(ask(GatewayFixture.KEY, null, "What is 12 times 13?"))).as("another number").isEqualTo("miss");
        ask(GatewayFixture.KEY, null, "Is coffee good for your health?");
        askUntilSemantic(GatewayFixture.KEY, null, "Is coffee healthy for you?");
        assertThat(cache(ask(GatewayFixture.KEY, null, "Is coffee not good for your health?"))).as("a negation").isEqualTo("miss");
        assertThat(cache(ask(OTHER_KEY, null, "What's 12 times 12?"))).as("another tenant").isEqualTo("miss");
        assertThat(cache(ask(GatewayFixture.KEY, "Answer in French.", "What's 12 times 12?"))).as("another system prompt")
                .isEqualTo("miss");
    }

    @Test
    void minimalPairsTasksAndLanguagesAreNotAnswered() throws Exception {
        ask(GatewayFixture.KEY, null, "How do I make a pivot table in Excel?");
        askUntilSemantic(GatewayFixture.KEY, null, "How can I make a pivot table in Excel?"); // indexed now
        int before = upstream.requests().size();
        assertThat(cache(ask(GatewayFixture.KEY, null, "How do I make a pivot table in Google Sheets?")))
                .as("one swapped name").isEqualTo("miss");
        ask(GatewayFixture.KEY, null, "Give me a vegetarian dinner recipe.");
        askUntilSemantic(GatewayFixture.KEY, null, "Please give me a vegetarian dinner recipe.");
        assertThat(cache(ask(GatewayFixture.KEY, null, "Give me a vegan dinner recipe.")))
                .as("one swapped detail under 0.95").isEqualTo("miss");
        ask(GatewayFixture.KEY, null, "Can you summarize the plot of Hamlet?");
        askUntilSemantic(GatewayFixture.KEY, null, "Could you summarize the plot of Hamlet?");
        assertThat(cache(ask(GatewayFixture.KEY, null, "Can you analyze the main themes of Hamlet?")))
                .as("another task").isEqualTo("miss");
        ask(GatewayFixture.KEY, null, "What is the capital of France?");
        askUntilSemantic(GatewayFixture.KEY, null, "What's the capital of France?");
        assertThat(cache(ask(GatewayFixture.KEY, null, "Quelle est la capitale de la France ?")))
                .as("another language").isEqualTo("miss");
        assertThat(upstream.requests().size()).as("every near miss went upstream")
                .isGreaterThanOrEqualTo(before + 3 + 4);
    }

    @Test
    void requestsAboutTheSameLongCodeAreNotAnsweredWithOneAnother() throws Exception {
        // any two requests about the same pasted code embed at 0.999: only the words can tell them apart
        String code = "Here is my code:\\n" + "def f(x): return x + 1\\n".repeat(25);
        ask(GatewayFixture.KEY, null, code + "Add type hints to it.");
        HttpResponse<String> reworded = askUntilSemantic(GatewayFixture.KEY, null, code + "Please add type hints.");
        assertThat(cache(reworded)).as("the same request reworded").isEqualTo("semantic-hit");
        assertThat(cache(ask(GatewayFixture.KEY, null, code + "Port it to Rust."))).as("another language named")
                .isEqualTo("miss");
        assertThat(cache(ask(GatewayFixture.KEY, null, code + "Add docstrings to it."))).as("another request")
                .isEqualTo("miss");
        assertThat(cache(ask(GatewayFixture.KEY, null, code + "What is its time complexity?"))).as("another question")
                .isEqualTo("miss");
    }

    @Test
    void anotherOperatorOrSignIsAnotherQuestionAtTheDefaultThreshold() throws Exception {
        try (GatewayFixture defaults = GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                providers:
                  - { name: fake, type: openai, base_url: %s, api_key: %s, models: [gpt-4o] }
                keys:
                  - { name: tester, key: %s }
                stages:
                  - { type: cache, settings: { semantic: {} } }
                """.formatted(upstream.baseUrl(), GatewayFixture.UPSTREAM_KEY, GatewayFixture.KEY))) {
            ask(defaults, GatewayFixture.KEY, null, "What is 6+3?");
            ask(defaults, GatewayFixture.KEY, null, "Is 7 a prime number?");
            assertThat(cache(askUntilSemantic(defaults, GatewayFixture.KEY, null, "What's 6 + 3?")))
                    .as("indexed now").isEqualTo("semantic-hit");
            // 0.85 and 0.83 with the bundled model: the same numbers and words, another operation
            assertThat(cache(ask(defaults, GatewayFixture.KEY, null, "What is 6*3?"))).isEqualTo("miss");
            assertThat(cache(ask(defaults, GatewayFixture.KEY, null, "What is 6-3?"))).isEqualTo("miss");
            assertThat(cache(ask(defaults, GatewayFixture.KEY, null, "Is -7 a prime number?"))).as("0.85")
                    .isEqualTo("miss");
        }
    }

    @Test
    void anotherQuestionWordIsAnotherQuestion() throws Exception {
        ask(GatewayFixture.KEY, null, "When did Napoleon die?");
        assertThat(cache(askUntilSemantic(GatewayFixture.KEY, null, "when did Napoleon die")))
                .as("indexed now").isEqualTo("semantic-hit");
        assertThat(cache(ask(GatewayFixture.KEY, null, "How did Napoleon die?"))).as("0.93").isEqualTo("miss");
        assertThat(cache(ask(GatewayFixture.KEY, null, "Where did Napoleon die?"))).as("0.94").isEqualTo("miss");
    }
}
