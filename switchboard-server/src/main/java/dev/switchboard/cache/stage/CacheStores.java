package dev.switchboard.cache.stage;

import dev.switchboard.cache.store.AnswerStore;
import dev.switchboard.cache.store.MemoryAnswerStore;
import dev.switchboard.cache.store.RedisAnswerStore;
import dev.switchboard.cache.store.RedisCacheSettings;
import io.vertx.core.Vertx;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The stores of one gateway (one Vert.x instance), by what defines them: a config reload makes new cache stages,
 * which find the same store, so cached answers outlive reloads; two gateways in one process never share an
 * in-process store (only Redis is shared).
 */
final class CacheStores {
    private static final Map<Vertx, Map<String, AnswerStore>> BY_GATEWAY = Collections.synchronizedMap(new WeakHashMap<>());

    private CacheStores() {}

    static AnswerStore of(Vertx vertx, CacheSettings s) {
        Map<String, AnswerStore> stores = BY_GATEWAY.computeIfAbsent(vertx, v -> new ConcurrentHashMap<>());
        String id = s.redisUrl() == null
                ? "memory|" + s.maxBytes() + "|" + s.maxEntryBytes()
                : "redis|" + s.redisUrl() + "|" + s.prefix() + "|" + s.maxEntryBytes() + "|" + s.timeout().toMillis();
        return stores.computeIfAbsent(id, k -> s.redisUrl() == null
                ? new MemoryAnswerStore(s.maxBytes(), s.maxEntryBytes())
                : RedisAnswerStore.create(vertx, s.redisUrl(), new RedisCacheSettings(s.prefix(), s.timeout(),
                        s.maxEntryBytes(), RedisCacheSettings.defaults(s.prefix()).poolSize())));
    }
}
