package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.LogCapture;
import dev.switchboard.testing.RecordedRequest;
import dev.switchboard.usage.UsageEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The semantic cache with a provider's embedding model ({@code semantic.embedder}), end to end through the official
 * OpenAI SDK: the embeddings go through the gateway's own provider path to a second fake OpenAI upstream, which
 * answers with real-shaped vectors (1536 numbers) chosen per text by topic, so a paraphrase is a hit and another
 * question a miss. An embeddings provider that is down, slow or answers garbage makes lookups misses, never errors;
 * a burst of lookups never has more calls in flight than the configured bound.
 */
class ProviderEmbedderIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String EMB_KEY = "sk-embeddings-upstream-secret-789";
    static final int DIMS = 1536;
    static final String MODEL = "emb/text-embedding-3-small";

    /** What the embeddings upstream does with the next requests. */
    enum Mode { VECTORS, SLOW, HANG, ERROR, CLOSE, GARBAGE, NOT_NUMBERS, NAN, WRONG_DIMENSIONS, HUGE, HTML }

    static volatile Mode mode = Mode.VECTORS;
    static final AtomicInteger active = new AtomicInteger();
    static final AtomicInteger maxActive = new AtomicInteger();
    static FakeUpstream chat;
    static FakeUpstream embeddings;
    static GatewayFixture gateway;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        chat = FakeUpstream.start();
        embeddings = FakeUpstream.start();
        embeddings.answerWith(ProviderEmbedderIT::embeddingsUpstream);
        gateway = GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 2 }
                providers:
                  - { name: fake, type: openai, base_url: %s, api_key: %s, models: [gpt-4o] }
                  - { name: emb, type: openai, base_url: %s, api_key: %s, models: [text-embedding-3-small] }
                keys:
                  - { name: tester, key: %s }
                stages:
                  - type: cache
                    settings:
                      semantic:
                        threshold: 0.9
                        embedder: { model: %s, timeout: 800ms, concurrency: 2, queue: 2 }
                """.formatted(chat.baseUrl(), GatewayFixture.UPSTREAM_KEY, embeddings.baseUrl(), EMB_KEY,
                GatewayFixture.KEY, MODEL));
        client = gateway.openAiClient();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        chat.close();
        embeddings.close();
    }

    @BeforeEach
    void normal() {
        mode = Mode.VECTORS;
        active.set(0); // nothing is in flight between tests: each waits for its answers
        maxActive.set(0);
    }

    /** The fake embeddings provider: a vector per text by topic, or this test's trouble of the moment. */
    static void embeddingsUpstream(io.vertx.core.http.HttpServerRequest req, io.vertx.core.buffer.Buffer body) {
        maxActive.accumulateAndGet(active.incrementAndGet(), Math::max);
        AtomicBoolean over = new AtomicBoolean();
        Runnable done = () -> {
            if (over.compareAndSet(false, true)) {
                active.decrementAndGet();
            }
        };
        req.connection().closeHandler(v -> done.run());
        String text;
        try {
            text = JSON.readTree(body.getBytes()).path("input").asText();
        } catch (Exception e) {
            text = "";
        }
        String input = text;
        Mode m = mode;
        var res = req.response().putHeader("content-type", "application/json");
        switch (m) {
            case VECTORS -> {
                done.run();
                res.end(answer(numbers(vector(input))));
            }
            case SLOW -> embeddings.vertx().setTimer(300, id -> {
                done.run();
                res.end(answer(numbers(vector(input))));
            });
            case HANG -> { } // never answers; the gateway gives up and closes the connection
            case ERROR -> {
                done.run();
                res.setStatusCode(500).end("{\"error\":{\"message\":\"boom\",\"type\":\"server_error\",\"param\":null,\"code\":null}}");
            }
            case CLOSE -> {
                done.run();
                req.connection().close();
            }
            case GARBAGE -> {
                done.run();
                res.end("{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":\"not a vector\"}]}");
            }
            case NOT_NUMBERS -> {
                done.run();
                res.end(answer("\"a\"," + numbers(vector(input)).substring(2)));
            }
            case NAN -> {
                done.run();
                res.end(answer("NaN," + numbers(vector(input)).substring(2)));
            }
            case WRONG_DIMENSIONS -> {
                done.run();
                res.end(answer(numbers(java.util.Arrays.copyOf(vector(input), 768))));
            }
            case HUGE -> {
                done.run();
                res.end(answer(numbers(new float[200_000]).replace("0.0", "0.12345678")));
            }
            case HTML -> {
                done.run();
                res.putHeader("content-type", "text/html").end("<html><body>502 Bad Gateway</body></html>");
            }
        }
    }

    /**
     * A vector for the text's topic (the question with "can" read as "do": a paraphrase has its topic, another
     * question another one), plus a little noise of the text's own: paraphrases score about 0.99, others about 0.
     */
    static float[] vector(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        int topic = Math.floorMod(t.replace("how can i", "how do i").hashCode(), DIMS);
        float[] v = new float[DIMS];
        v[topic] = 1;
        int h = t.hashCode();
        for (int i = 0; i < DIMS; i++) {
            v[i] += 0.002f * (Math.floorMod(h * 31 + i * 17, 7) - 3);
        }
        return v;
    }

    static String numbers(float[] v) {
        StringBuilder sb = new StringBuilder(v.length * 12);
        for (int i = 0; i < v.length; i++) {
            sb.append(i == 0 ? "" : ",").append(v[i]);
        }
        return sb.toString();
    }

    static String answer(String numbers) {
        return "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":[" + numbers
                + "]}],\"model\":\"text-embedding-3-small\",\"usage\":{\"prompt_tokens\":8,\"total_tokens\":8}}";
    }

    static HttpResponseFor<ChatCompletion> ask(String question) {
        return client.chat().completions().withRawResponse().create(ChatCompletionCreateParams.builder()
                .model("fake/gpt-4o").temperature(0).addUserMessage(question).build());
    }

    static String cache(HttpResponseFor<ChatCompletion> r) {
        List<String> v = r.headers().values("x-switchboard-cache");
        return v.isEmpty() ? "(none)" : v.get(0);
    }

    static List<RecordedRequest> chatCalls() {
        return chat.requests().stream().filter(r -> r.path().endsWith("/chat/completions")).toList();
    }

    static double metric(String result) {
        String text = gateway.get("/metrics").body();
        Matcher m = Pattern.compile("switchboard_cache_semantic_embeddings_total\\{[^}]*result=\"" + result + "\"[^}]*} ([0-9.eE+]+)")
                .matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void aParaphraseIsAnsweredWithTheProvidersEmbeddingsWithoutASecondChatCall() throws Exception {
        int embedded = embeddings.requests().size();
        HttpResponseFor<ChatCompletion> first = ask("How do I reverse a string in Python?");
        assertThat(cache(first)).isEqualTo("miss");
        RecordedRequest e = embeddings.requests().get(embedded);
        assertThat(e.path()).isEqualTo("/v1/embeddings");
        assertThat(e.header("authorization")).as("the provider's own key, injected by the gateway").isEqualTo("Bearer " + EMB_KEY);
        JsonNode sent = e.json();
        assertThat(sent.path("model").asText()).isEqualTo("text-embedding-3-small");
        assertThat(sent.path("input").asText()).isEqualTo("How do I reverse a string in Python?");
        assertThat(sent.has("dimensions")).as("not configured: not asked for").isFalse();

        Thread.sleep(300); // the text is indexed just after its answer is stored
        int chats = chatCalls().size();
        HttpResponseFor<ChatCompletion> para = ask("How can I reverse a string in Python?");
        assertThat(cache(para)).isEqualTo("semantic-hit");
        assertThat(Double.parseDouble(para.headers().values("x-switchboard-cache-score").get(0))).isGreaterThan(0.9);
        assertThat(para.parse().choices().get(0).message().content().orElseThrow()).isEqualTo("echo: How do I reverse a string in Python?");
        assertThat(chatCalls()).as("answered from the cache: no second chat call").hasSize(chats);

        HttpResponseFor<ChatCompletion> other = ask("What is the capital of France?");
        assertThat(cache(other)).as("another topic: another vector").isEqualTo("miss");
        assertThat(chatCalls()).hasSize(chats + 1);

        List<UsageEvent> internal = gateway.usage().events().stream()
                .filter(u -> "switchboard:semantic-cache".equals(u.keyName())).toList();
        assertThat(internal).as("the cache's embedding calls are in the ledger, under the internal caller").isNotEmpty();
        assertThat(internal.get(0).operation()).isEqualTo("embeddings");
        assertThat(internal.get(0).provider()).isEqualTo("emb");
        assertThat(internal.get(0).status()).isEqualTo(200);
        assertThat(metric("embedded")).isGreaterThanOrEqualTo(3);
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"HANG", "ERROR", "CLOSE", "GARBAGE", "NOT_NUMBERS", "NAN",
            "WRONG_DIMENSIONS", "HUGE", "HTML"})
    void anEmbeddingsProviderInTroubleMakesMissesNeverErrors(Mode trouble) throws Exception {
        String result = switch (trouble) {
            case HANG -> "timeout";
            case ERROR, CLOSE -> "error";
            default -> "malformed";
        };
        try (LogCapture logs = LogCapture.start()) {
            // stored while the provider is well, so a paraphrase would be a hit if its lookup worked
            ask("How do I reverse a linked list in " + trouble + "?");
            Thread.sleep(300);
            mode = trouble;
            double before = metric(result);
            int chats = chatCalls().size();
            long t0 = System.nanoTime();
            HttpResponseFor<ChatCompletion> r = ask("How can I reverse a linked list in " + trouble + "?");
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(cache(r)).isEqualTo("miss");
            assertThat(r.parse().choices().get(0).message().content().orElseThrow()).contains("echo: How can I reverse");
            assertThat(chatCalls()).as("served by the provider").hasSize(chats + 1);
            assertThat(millis).as("a lookup waits for the embedder at most its timeout").isLessThan(3000);
            assertThat(metric(result)).as("the failed lookup is counted as " + result).isGreaterThan(before);
            logs.assertContainsNone(List.of(EMB_KEY, GatewayFixture.UPSTREAM_KEY, "linked list"));
        }
    }

    @Test
    void aBurstOfLookupsNeverHasMoreEmbeddingCallsInFlightThanTheBound() throws Exception {
        mode = Mode.SLOW; // each call takes 300 ms: the burst piles up behind the bound of 2 (and 2 queued)
        int before = embeddings.requests().size();
        int chats = chatCalls().size();
        int n = 24;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<HttpResponseFor<ChatCompletion>>> answers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String q = "Burst question number " + (char) ('a' + i) + " about topic " + (char) ('z' - i) + "?";
                answers.add(pool.submit(() -> ask(q)));
            }
            for (Future<HttpResponseFor<ChatCompletion>> f : answers) {
                HttpResponseFor<ChatCompletion> r = f.get();
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(cache(r)).isEqualTo("miss");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(chatCalls()).as("every question answered upstream").hasSize(chats + n);
        assertThat(maxActive.get()).as("embedding calls in flight at once, as the upstream saw them").isBetween(1, 2);
        assertThat(embeddings.requests().size() - before).as("those past the queue were misses without a call")
                .isLessThan(n);
        assertThat(metric("busy")).isGreaterThan(0);
    }
}
