package dev.switchboard.cache.semantic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.cache.CacheKey;
import dev.switchboard.cache.store.CachePurge;
import dev.switchboard.testing.RedisProcess;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two instances' indexes on one real Redis: an entry added by one is found by the other within the poll bound. */
class RedisSemanticFeedTest {
    private RedisProcess redisServer;
    private Vertx vertx;
    private Redis redis;

    @BeforeEach
    void start() {
        redisServer = new RedisProcess();
        vertx = Vertx.vertx();
        redis = Redis.createClient(vertx, redisServer.url());
    }

    @AfterEach
    void stop() throws Exception {
        redis.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        redisServer.close();
    }

    private RedisSemanticFeed feed(SemanticIndex index) {
        var feed = new RedisSemanticFeed(vertx, redis, "sbtest:", index, 1000, Duration.ofMillis(100),
                Clock.systemUTC());
        feed.start();
        return feed;
    }

    @Test
    void entriesReachTheOtherInstanceAndANewcomer() throws Exception {
        float[] v = Vectors.normalize(new float[] {1, 2, 3});
        CacheKey answer = new CacheKey("key:a", "m", "a".repeat(64));
        try (var indexA = new LuceneSemanticIndex(3, 100, 1 << 20);
                var indexB = new LuceneSemanticIndex(3, 100, 1 << 20);
                var feedA = feed(indexA);
                var feedB = feed(indexB)) {
            indexA.add("p", v, "hello", answer, Duration.ofMinutes(1));
            feedA.publish("p", v, "hello", answer, Duration.ofMinutes(1))
                    .toCompletionStage().toCompletableFuture().get(2, TimeUnit.SECONDS);
            feedA.publish("p", v, "gone", new CacheKey("key:a", "m", "b".repeat(64)), Duration.ofMillis(1))
                    .toCompletionStage().toCompletableFuture().get(2, TimeUnit.SECONDS);

            long start = System.nanoTime();
            await(() -> indexB.nearest("p", v) != null);
            System.out.printf("[semantic] entry shared in %d ms%n", (System.nanoTime() - start) / 1_000_000);
            var match = indexB.nearest("p", v);
            assertThat(match.answer()).isEqualTo(answer);
            assertThat(match.text()).isEqualTo("hello");
            assertThat(match.score()).isGreaterThan(0.999f);
            Thread.sleep(300);
            assertThat(feedA.received()).as("its own entries are not added twice").isZero();
            assertThat(indexB.stats().entries()).as("the expired entry is skipped").isEqualTo(1);

            try (var indexC = new LuceneSemanticIndex(3, 100, 1 << 20); var feedC = feed(indexC)) {
                await(() -> indexC.nearest("p", v) != null);
                assertThat(indexC.stats().entries()).isEqualTo(1);
            }
        }
    }

    @Test
    void purgesReachTheOtherInstanceInTheirScopeAndANewcomerReplaysThemInOrder() throws Exception {
        float[] v = Vectors.normalize(new float[] {1, 2, 3});
        CacheKey a = new CacheKey("key:a", "m1", "a".repeat(64));
        CacheKey b = new CacheKey("key:b", "m2", "b".repeat(64));
        try (var indexA = new LuceneSemanticIndex(3, 100, 1 << 20);
                var indexB = new LuceneSemanticIndex(3, 100, 1 << 20);
                var feedA = feed(indexA);
                var feedB = feed(indexB)) {
            for (CacheKey k : new CacheKey[] {a, b}) {
                indexA.add("p" + k.namespace(), v, "t", k, Duration.ofMinutes(1), true);
                feedA.publish("p" + k.namespace(), v, "t", k, Duration.ofMinutes(1))
                        .toCompletionStage().toCompletableFuture().get(2, TimeUnit.SECONDS);
            }
            await(() -> indexB.stats().entries() == 2);
            assertThat(indexA.purge(CachePurge.namespace("key:a"))).isEqualTo(1);
            long start = System.nanoTime();
            feedA.publishPurge(CachePurge.namespace("key:a")).toCompletionStage().toCompletableFuture().get(2, TimeUnit.SECONDS);
            await(() -> indexB.stats().entries() == 1);
            System.out.printf("[semantic] purge shared in %d ms%n", (System.nanoTime() - start) / 1_000_000);
            assertThat(indexB.nearest("pkey:b", v).answer()).isEqualTo(b);
            assertThat(feedB.purges()).isEqualTo(1);
            assertThat(feedA.purges()).as("its own purge is not applied twice").isZero();

            try (var indexC = new LuceneSemanticIndex(3, 100, 1 << 20); var feedC = feed(indexC)) {
                await(() -> feedC.purges() == 1);
                assertThat(indexC.stats().entries()).as("the entry, then its purge").isEqualTo(1);
            }
            feedA.publishPurge(CachePurge.model("m2")).toCompletionStage().toCompletableFuture().get(2, TimeUnit.SECONDS);
            await(() -> indexB.stats().entries() == 0);
            indexA.add("pkey:a", v, "t", a, Duration.ofMinutes(1), true);
            feedA.publish("pkey:a", v, "t", a, Duration.ofMinutes(1)).toCompletionStage().toCompletableFuture().get(2, TimeUnit.SECONDS);
            await(() -> indexB.stats().entries() == 1);
            feedA.publishPurge(CachePurge.all()).toCompletionStage().toCompletableFuture().get(2, TimeUnit.SECONDS);
            await(() -> indexB.stats().entries() == 0);
        }
    }

    @Test
    void aKeptIndexResumesTheStreamWhereItGotToInsteadOfReplayingIt(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        float[] v = Vectors.normalize(new float[] {1, 2, 3});
        CacheKey a = new CacheKey("key:a", "m", "a".repeat(64));
        CacheKey b = new CacheKey("key:a", "m", "b".repeat(64));
        try (var indexA = new LuceneSemanticIndex(3, 100, 1 << 20); var feedA = feed(indexA)) {
            feedA.publish("p", v, "first", a, Duration.ofMinutes(1)).toCompletionStage().toCompletableFuture()
                    .get(2, TimeUnit.SECONDS);
            try (var kept = PersistedSemanticIndex.open(dir, "m", 3, 100, 1 << 20); var feedB = feed(kept)) {
                await(() -> feedB.received() == 1);
            }
            // while B is down: a purge (it must not be replayed over what B learns later) and a new entry
            feedA.publishPurge(CachePurge.all()).toCompletionStage().toCompletableFuture().get(2, TimeUnit.SECONDS);
            feedA.publish("q", v, "second", b, Duration.ofMinutes(1)).toCompletionStage().toCompletableFuture()
                    .get(2, TimeUnit.SECONDS);
            try (var kept = PersistedSemanticIndex.open(dir, "m", 3, 100, 1 << 20); var feedB = feed(kept)) {
                assertThat(kept.feedPosition("sbtest:sem")).as("saved with the entries").isNotNull();
                await(() -> feedB.received() == 1 && feedB.purges() == 1);
                Thread.sleep(300);
                assertThat(feedB.received()).as("the first entry is not replayed").isEqualTo(1);
                assertThat(kept.nearest("q", v).text()).isEqualTo("second");
                assertThat(kept.nearest("p", v)).as("purged after it was kept").isNull();
            }
        }
    }

    @Test
    void redisAwayOnlyPausesTheSharing() throws Exception {
        try (var index = new LuceneSemanticIndex(3, 100, 1 << 20); var feed = feed(index)) {
            redisServer.stop();
            feed.publish("p", Vectors.normalize(new float[] {1, 0, 0}), "t", new CacheKey("n", "m", "c".repeat(64)),
                    Duration.ofMinutes(1)).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            await(() -> feed.failures() > 1);
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 5 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
