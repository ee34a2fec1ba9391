package dev.switchboard.cache.semantic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The provider embedder's bounds and checks, against a scripted gateway path (the wire is ProviderEmbedderIT's). */
class ProviderEmbedderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Calls that wait until the test answers them. */
    static final class HeldCalls implements EmbeddingCalls {
        record Held(JsonNode request, Duration timeout, CompletableFuture<Answer> answer) {}

        final List<Held> calls = new CopyOnWriteArrayList<>();

        @Override
        public CompletableFuture<Answer> embed(byte[] body, Duration timeout) {
            CompletableFuture<Answer> f = new CompletableFuture<>();
            try {
                calls.add(new Held(JSON.readTree(body), timeout, f));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return f;
        }
    }

    private final HeldCalls gateway = new HeldCalls();
    private ProviderEmbedder embedder;

    @AfterEach
    void close() {
        if (embedder != null) {
            embedder.close();
        }
    }

    private ProviderEmbedder embedder(int dims, Duration timeout, int maxChars, int concurrency, int queue) {
        embedder = new ProviderEmbedder("emb/text-embedding-3-small", dims, false,
                new ProviderEmbedder.Tuning(timeout, maxChars, concurrency, queue), () -> gateway);
        return embedder;
    }

    static EmbeddingCalls.Answer vector(float... v) {
        StringBuilder sb = new StringBuilder("{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":[");
        for (int i = 0; i < v.length; i++) {
            sb.append(i == 0 ? "" : ",").append(v[i]);
        }
        return new EmbeddingCalls.Answer(200, sb.append("]}]}").toString().getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aTextIsSentAsAnOpenAiRequestAndItsVectorComesBackNormalised() throws Exception {
        ProviderEmbedder e = embedder(3, Duration.ofSeconds(2), 100, 2, 2);
        CompletableFuture<Embedder.Embedding> f = e.embed("hello");
        assertThat(gateway.calls).hasSize(1);
        JsonNode sent = gateway.calls.get(0).request();
        assertThat(sent.path("model").asText()).isEqualTo("emb/text-embedding-3-small");
        assertThat(sent.path("input").asText()).isEqualTo("hello");
        assertThat(sent.path("encoding_format").asText()).isEqualTo("float");
        assertThat(sent.has("dimensions")).isFalse();
        gateway.calls.get(0).answer().complete(vector(3, 0, 4));
        Embedder.Embedding got = f.get(2, TimeUnit.SECONDS);
        assertThat(got.vector()).containsExactly(0.6f, 0f, 0.8f);
        assertThat(got.truncated()).isFalse();
        assertThat(e.model()).as("vectors of two models are never compared").contains("emb/text-embedding-3-small")
                .contains("3");
        assertThat(e.counts().embedded.sum()).isEqualTo(1);
    }

    @Test
    void aLongTextIsCutAndMarked() throws Exception {
        ProviderEmbedder e = embedder(2, Duration.ofSeconds(2), 10, 2, 2);
        CompletableFuture<Embedder.Embedding> f = e.embed("a".repeat(50));
        assertThat(gateway.calls.get(0).request().path("input").asText()).hasSize(10);
        gateway.calls.get(0).answer().complete(vector(1, 1));
        assertThat(f.get(2, TimeUnit.SECONDS).truncated()).isTrue();
    }

    @Test
    void callsInFlightAndWaitingAreBoundedAndTheRestRefusedAtOnce() throws Exception {
        ProviderEmbedder e = embedder(2, Duration.ofSeconds(5), 100, 2, 1);
        CompletableFuture<Embedder.Embedding> a = e.embed("a");
        CompletableFuture<Embedder.Embedding> b = e.embed("b");
        CompletableFuture<Embedder.Embedding> c = e.embed("c"); // waits
        CompletableFuture<Embedder.Embedding> d = e.embed("d"); // refused
        assertThat(gateway.calls).as("two in flight").hasSize(2);
        assertThat(d).isCompletedExceptionally();
        assertThatThrownBy(d::join).hasCauseInstanceOf(RejectedExecutionException.class);
        assertThat(e.counts().busy.sum()).isEqualTo(1);
        gateway.calls.get(0).answer().complete(vector(1, 0));
        a.get(2, TimeUnit.SECONDS);
        assertThat(gateway.calls).as("the waiting text takes the freed place").hasSize(3);
        assertThat(gateway.calls.get(2).request().path("input").asText()).isEqualTo("c");
        gateway.calls.get(1).answer().complete(vector(0, 1));
        gateway.calls.get(2).answer().complete(vector(1, 1));
        assertThat(b.get(2, TimeUnit.SECONDS).vector()).containsExactly(0f, 1f);
        assertThat(c.get(2, TimeUnit.SECONDS).vector()[0]).isEqualTo(c.get().vector()[1]);
        assertThat(e.peakInFlight()).isEqualTo(2);
    }

    @Test
    void aTextThatWaitsPastItsTimeoutIsAMissWithoutACall() throws Exception {
        ProviderEmbedder e = embedder(2, Duration.ofMillis(200), 100, 1, 4);
        e.embed("first"); // never answered here
        CompletableFuture<Embedder.Embedding> waiting = e.embed("second");
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> waiting.get(2, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(TimeoutException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(1));
        assertThat(gateway.calls.get(0).timeout()).as("the gateway path gets what is left of the timeout")
                .isLessThanOrEqualTo(Duration.ofMillis(200));
        gateway.calls.get(0).answer().completeExceptionally(new TimeoutException()); // the call gave up too
        assertThat(gateway.calls).as("the late text is not sent once its lookup is over").hasSize(1);
        assertThat(e.counts().timeouts.sum()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void errorsAndUnusableAnswersAreCountedMisses() {
        ProviderEmbedder e = embedder(2, Duration.ofSeconds(2), 100, 4, 4);
        CompletableFuture<Embedder.Embedding> limited = e.embed("a");
        gateway.calls.get(0).answer().complete(new EmbeddingCalls.Answer(429,
                "{\"error\":{\"message\":\"slow down\"}}".getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> limited.get(2, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        CompletableFuture<Embedder.Embedding> wrong = e.embed("b");
        gateway.calls.get(1).answer().complete(vector(1, 2, 3));
        assertThatThrownBy(() -> wrong.get(2, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        CompletableFuture<Embedder.Embedding> broken = e.embed("c");
        gateway.calls.get(2).answer().completeExceptionally(new IllegalStateException("connection reset"));
        assertThatThrownBy(() -> broken.get(2, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        assertThat(e.counts().errors.sum()).isEqualTo(2);
        assertThat(e.counts().malformed.sum()).isEqualTo(1);
    }

    @Test
    void beforeTheGatewayRunsALookupIsAMiss() {
        embedder = new ProviderEmbedder("m", 2, true, new ProviderEmbedder.Tuning(Duration.ofSeconds(1), 10, 1, 1), () -> null);
        assertThat(embedder.embed("x")).isCompletedExceptionally();
        assertThat(embedder.embed("y")).as("the place was given back").isCompletedExceptionally();
        assertThat(embedder.counts().busy.sum()).isZero();
    }

    @Test
    void aBlankTextIsNotSent() throws Exception {
        ProviderEmbedder e = embedder(2, Duration.ofSeconds(1), 10, 1, 1);
        assertThat(e.embed("   ").get().vector()).containsExactly(0f, 0f);
        assertThat(gateway.calls).isEmpty();
    }

    @Test
    void theDimensionsAreAskedForWhenConfigured() {
        embedder = new ProviderEmbedder("openai/text-embedding-3-large", 256, true,
                new ProviderEmbedder.Tuning(Duration.ofSeconds(1), 10, 1, 1), () -> gateway);
        embedder.embed("x");
        assertThat(gateway.calls.get(0).request().path("dimensions").asInt()).isEqualTo(256);
    }

    @Test
    void aTextTooLongToAnswerByMeaningIsNeverSentToThePaidModel() throws Exception {
        ProviderEmbedder e = embedder(2, Duration.ofSeconds(2), 10, 2, 2);
        try (SemanticCache cache = new SemanticCache(e, new LuceneSemanticIndex(2, 100, 1 << 20))) {
            var context = new dev.switchboard.cache.CacheKey("key:a", "m", "1".repeat(64));
            var probe = cache.lookup(new dev.switchboard.cache.CacheKey.SemanticParts(context, "a".repeat(50)), 0.8)
                    .get(2, TimeUnit.SECONDS);
            assertThat(probe.hit()).isNull();
            assertThat(gateway.calls).as("its vector would have been thrown away").isEmpty();
            embedder = null; // closed with the cache
        }
    }

    @Test
    void aLongQueueOfTextsThatWaitedTooLongIsDroppedWithoutTakingPlacesForGood() throws Exception {
        ProviderEmbedder e = embedder(2, Duration.ofMillis(200), 100, 1, 50_000);
        CompletableFuture<Embedder.Embedding> first = e.embed("first");
        List<CompletableFuture<Embedder.Embedding>> waiting = new java.util.ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            waiting.add(e.embed("w" + i));
        }
        CompletableFuture.allOf(waiting.toArray(CompletableFuture[]::new)).handle((v, err) -> null).get(5, TimeUnit.SECONDS);
        // the one call ends: each waiting text is over and gives its place back in turn (before, each nested one
        // call deeper, the stack overflowed and the place stayed taken)
        gateway.calls.get(0).answer().complete(vector(1, 0));
        first.get(2, TimeUnit.SECONDS);
        e.embed("after");
        assertThat(gateway.calls).as("the place is free for the next text").hasSize(2);
        assertThat(gateway.calls.get(1).request().path("input").asText()).isEqualTo("after");
    }

    @Test
    void aCallThePathNeverEndsGivesItsPlaceBack() throws Exception {
        ProviderEmbedder e = embedder(2, Duration.ofMillis(100), 100, 1, 0);
        CompletableFuture<Embedder.Embedding> lost = e.embed("lost"); // the gateway path never answers it
        assertThatThrownBy(() -> lost.get(3, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(TimeoutException.class);
        e.embed("next");
        assertThat(gateway.calls).as("the place was given back").hasSize(2);
    }
}
