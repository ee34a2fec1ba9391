package dev.switchboard.cache.store;

import static dev.switchboard.cache.store.Answers.answer;
import static dev.switchboard.cache.store.Answers.await;
import static dev.switchboard.cache.store.Answers.key;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.cache.CacheKey;
import dev.switchboard.cache.CachedAnswer;
import dev.switchboard.testing.RedisProcess;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The shared store against a real Redis. */
class RedisAnswerStoreTest {
    static RedisProcess redis;
    static Vertx vertx;
    static RedisAPI admin;

    @BeforeAll
    static void start() {
        redis = new RedisProcess();
        vertx = Vertx.vertx();
        admin = RedisAPI.api(Redis.createClient(vertx, redis.url()));
    }

    @AfterAll
    static void stop() {
        await(vertx.close());
        redis.close();
    }

    private static RedisCacheSettings settings(String prefix) {
        return new RedisCacheSettings(prefix, Duration.ofMillis(500), 64 * 1024, 4);
    }

    private static String prefix() {
        return "t" + UUID.randomUUID() + ":";
    }

    @Test
    void twoInstancesOnOneRedisShareEntries() {
        String prefix = prefix();
        RedisAnswerStore one = RedisAnswerStore.create(vertx, redis.url(), settings(prefix));
        RedisAnswerStore two = RedisAnswerStore.create(vertx, redis.url(), settings(prefix));
        RedisAnswerStore elsewhere = RedisAnswerStore.create(vertx, redis.url(), settings(prefix()));
        CacheKey k = key("team:a", "fast", "2+2");
        assertThat(await(two.get(k))).isNull();
        assertThat(await(one.put(k, answer("4"), Duration.ofMinutes(1)))).isTrue();
        var hit = await(two.get(k));
        assertThat(Answers.text(hit)).isEqualTo("4");
        assertThat(hit.model()).isEqualTo("openai/gpt-4o");
        assertThat(hit.usage().totalTokens()).isEqualTo(4);
        assertThat(await(two.get(key("team:b", "fast", "2+2")))).as("another tenant").isNull();
        assertThat(await(elsewhere.get(k))).as("another prefix").isNull();
        assertThat(two.stats().hits()).isEqualTo(1);
        assertThat(two.stats().misses()).isEqualTo(2);
        assertThat(one.stats().stores()).isEqualTo(1);
        assertThat(one.stats().bytes()).isEqualTo(answer("4").serializedSize());
        await(one.close());
        await(two.close());
        await(elsewhere.close());
    }

    /** A burst of lookups from an event loop, many more than the pool's connections: all hit, none fails. */
    @Test
    void aClosedStoreMissesSkipsWritesAndPurgesNothingInsteadOfFailing() {
        RedisAnswerStore store = RedisAnswerStore.create(vertx, redis.url(), settings(prefix()));
        CacheKey k = key("team:a", "fast", "2+2");
        assertThat(await(store.put(k, answer("4"), Duration.ofMinutes(1)))).isTrue();
        await(store.close()); // a reload retired it while a request still held it
        assertThat(await(store.get(k))).isNull();
        assertThat(await(store.put(key("team:a", "fast", "3+3"), answer("6"), Duration.ofMinutes(1)))).isFalse();
        assertThat(await(store.purge(CachePurge.all()))).isZero();
    }

    @Test
    void aBurstOfLookupsAllHit() {
        RedisAnswerStore store = RedisAnswerStore.create(vertx, redis.url(), settings(prefix()));
        CacheKey k = key("shared", "fast", "burst");
        await(store.put(k, answer("a"), Duration.ofMinutes(1)));
        Promise<List<CachedAnswer>> done = Promise.promise();
        vertx.runOnContext(v -> {
            List<Future<CachedAnswer>> gets = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                gets.add(store.get(k));
            }
            Future.all(gets).map(cf -> cf.<CachedAnswer>list()).onComplete(done);
        });
        assertThat(await(done.future())).hasSize(100).allMatch(a -> a != null && Answers.text(a).equals("a"));
        assertThat(store.stats().failures()).isZero();
        await(store.close());
    }

    @Test
    void entriesAndTheirIndexesExpire() throws Exception {
        String prefix = prefix();
        RedisAnswerStore store = new RedisAnswerStore(Redis.createClient(vertx, redis.url()), settings(prefix),
                java.time.Clock.systemUTC());
        CacheKey k = key("team:a", "fast", "q");
        assertThat(await(store.put(k, answer("a"), Duration.ofMillis(300)))).isTrue();
        long pttl = await(admin.pttl(store.entryKey(k))).toLong();
        assertThat(pttl).isBetween(1L, 300L);
        assertThat(await(store.get(k))).isNotNull();
        Thread.sleep(450);
        assertThat(await(store.get(k))).isNull();
        assertThat(await(admin.exists(List.of(store.namespaceIndex("team:a"), store.modelIndex("fast")))).toLong())
                .as("indexes live no longer than their entries").isZero();
    }

    @Test
    void indexesKeepOnlyLiveEntries() throws Exception {
        String prefix = prefix();
        RedisAnswerStore store = RedisAnswerStore.create(vertx, redis.url(), settings(prefix));
        await(store.put(key("team:a", "fast", "old"), answer("a"), Duration.ofMillis(100)));
        Thread.sleep(200);
        await(store.put(key("team:a", "fast", "new"), answer("b"), Duration.ofMinutes(1)));
        assertThat(await(admin.zcard(store.namespaceIndex("team:a"))).toLong()).isEqualTo(1);
        assertThat(await(admin.pttl(store.namespaceIndex("team:a"))).toLong()).isGreaterThan(50_000);
        await(store.close());
    }

    @Test
    void answersOverTheEntryLimitAreNotStored() {
        RedisAnswerStore store = RedisAnswerStore.create(vertx, redis.url(), settings(prefix()));
        CacheKey k = key("shared", "fast", "big");
        assertThat(await(store.put(k, answer("big", 70_000), Duration.ofMinutes(1)))).isFalse();
        assertThat(await(store.get(k))).isNull();
        assertThat(store.stats().tooLarge()).isEqualTo(1);
        assertThat(store.stats().stores()).isZero();
        await(store.close());
    }

    @Test
    void aCorruptedEntryIsAMiss() {
        RedisAnswerStore store = RedisAnswerStore.create(vertx, redis.url(), settings(prefix()));
        CacheKey k = key("shared", "fast", "q");
        await(admin.set(List.of(store.entryKey(k), "not an answer")));
        assertThat(await(store.get(k))).isNull();
        assertThat(store.stats().corrupted()).isEqualTo(1);
        await(store.close());
    }

    @Test
    void purgesByNamespaceModelOrEverythingUnderItsPrefix() {
        String prefix = prefix();
        RedisAnswerStore store = RedisAnswerStore.create(vertx, redis.url(), settings(prefix));
        RedisAnswerStore other = RedisAnswerStore.create(vertx, redis.url(), settings(prefix()));
        for (int i = 0; i < 1200; i++) { // more than two purge batches
            await(store.put(key("team:a", "fast", "q" + i), answer("a"), Duration.ofMinutes(1)));
        }
        String[][] entries = {{"team:a", "smart"}, {"team:b", "fast"}, {"team:b", "smart"}, {"shared", "fast"}};
        for (String[] e : entries) {
            await(store.put(key(e[0], e[1], "q"), answer("a"), Duration.ofMinutes(1)));
        }
        await(other.put(key("team:a", "fast", "q"), answer("a"), Duration.ofMinutes(1)));

        assertThat(await(store.purge(CachePurge.namespace("team:a")))).isEqualTo(1201);
        assertThat(await(store.get(key("team:a", "fast", "q5")))).isNull();
        assertThat(await(store.get(key("team:a", "smart", "q")))).isNull();
        assertThat(await(store.get(key("team:b", "fast", "q")))).isNotNull();
        assertThat(await(admin.exists(List.of(store.namespaceIndex("team:a")))).toLong()).isZero();

        assertThat(await(store.purge(CachePurge.model("fast")))).as("what is left of fast, in any namespace").isEqualTo(2);
        assertThat(await(store.get(key("shared", "fast", "q")))).isNull();
        assertThat(await(store.get(key("team:b", "smart", "q")))).isNotNull();

        assertThat(await(store.purge(CachePurge.all()))).isEqualTo(1);
        Response left = await(admin.scan(List.of("0", "MATCH", RedisAnswerStore.glob(prefix) + "*", "COUNT", "10000")));
        assertThat(left.get(1).size()).as("no index left behind").isZero();
        assertThat(await(other.get(key("team:a", "fast", "q")))).as("another prefix is untouched").isNotNull();
        await(store.close());
        await(other.close());
    }

    @Test
    void redisAwayIsAMissAndASkippedWriteNeverAnError() {
        try (RedisProcess own = new RedisProcess()) {
            RedisAnswerStore store = RedisAnswerStore.create(vertx, own.url(),
                    new RedisCacheSettings(prefix(), Duration.ofMillis(100), 64 * 1024, 4));
            CacheKey k = key("shared", "fast", "q");
            assertThat(await(store.put(k, answer("a"), Duration.ofMinutes(1)))).isTrue();

            own.pause(); // frozen: commands are never answered
            long t0 = System.nanoTime();
            assertThat(await(store.get(k))).isNull();
            assertThat(await(store.put(k, answer("b"), Duration.ofMinutes(1)))).isFalse();
            assertThat((System.nanoTime() - t0) / 1_000_000).as("bounded by the timeout").isLessThan(2_000);
            own.resume();

            own.stop(); // gone: connections refused
            assertThat(await(store.get(k))).isNull();
            assertThat(await(store.put(k, answer("b"), Duration.ofMinutes(1)))).isFalse();
            assertThat(store.stats().failures()).isGreaterThanOrEqualTo(4);

            own.start(); // back (empty): the store works again without being made anew
            long end = System.currentTimeMillis() + 10_000;
            boolean stored = false;
            while (!stored && System.currentTimeMillis() < end) {
                stored = await(store.put(k, answer("c"), Duration.ofMinutes(1)));
            }
            assertThat(stored).isTrue();
            assertThat(Answers.text(await(store.get(k)))).isEqualTo("c");
            await(store.close());
        }
    }
}
