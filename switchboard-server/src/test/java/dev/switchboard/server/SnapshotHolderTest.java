package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.catalogue.ProviderCatalogue;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.routing.TargetRegistry;
import dev.switchboard.runtime.Snapshot;
import dev.switchboard.secret.Secret;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Config reloads (watcher thread) and store credential changes (store sync thread) race: the snapshot left at the
 * end is always built from the last config and the last credentials, so neither update is lost.
 */
class SnapshotHolderTest {
    static GatewayConfig config(int n) {
        return new ConfigLoader(ProviderCatalogue.bundled(), name -> null).parse("""
                version: 1
                providers:
                  - { name: vault, type: openai, base_url: "http://127.0.0.1:9/v1", api_key: store }
                keys:
                  - { name: key-%d, key: sk-snapshot-test-%d }
                """.formatted(n, n));
    }

    @Test
    void concurrentReloadsAndCredentialChangesEndWithBoth() throws Exception {
        List<GatewayConfig> configs = IntStream.range(0, 40).mapToObj(SnapshotHolderTest::config).toList();
        Map<Snapshot, Map<String, Secret>> builtWith = Collections.synchronizedMap(new IdentityHashMap<>());
        TargetRegistry registry = new TargetRegistry();
        SnapshotHolder.Builder builder = (c, creds) -> {
            Snapshot s = Snapshot.build(c, ProviderCatalogue.bundled(), t -> "http://127.0.0.1:9/v1", registry,
                    (p, m) -> Double.NaN, creds);
            Thread.yield(); // widen the window between reading the inputs and publishing the result
            builtWith.put(s, creds);
            return s;
        };
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 10; round++) {
                SnapshotHolder holder = new SnapshotHolder(configs.getFirst(), builder);
                CyclicBarrier go = new CyclicBarrier(2);
                Map<String, Secret> lastCreds = Map.of("vault", new Secret("sk-upstream-round-" + round + "-last"));
                Future<?> reloads = pool.submit(() -> {
                    go.await();
                    for (GatewayConfig c : configs) {
                        holder.reconfigure(c);
                    }
                    return null;
                });
                int r = round;
                Future<?> credentialChanges = pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < 39; i++) {
                        holder.storeCredentials(Map.of("vault", new Secret("sk-upstream-round-" + r + "-" + i)));
                    }
                    holder.storeCredentials(lastCreds);
                    return null;
                });
                reloads.get(30, TimeUnit.SECONDS);
                credentialChanges.get(30, TimeUnit.SECONDS);

                Snapshot last = holder.get();
                assertThat(last.config()).as("round %d: the last config", round).isSameAs(configs.getLast());
                assertThat(builtWith.get(last)).as("round %d: the last credentials", round).isEqualTo(lastCreds);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void unchangedCredentialsDoNotRebuild() {
        int[] builds = {0};
        SnapshotHolder holder = new SnapshotHolder(config(1), (c, creds) -> {
            builds[0]++;
            return Snapshot.build(c, ProviderCatalogue.bundled(), t -> "http://127.0.0.1:9/v1", new TargetRegistry(),
                    (p, m) -> Double.NaN, creds);
        });
        Snapshot first = holder.get();
        holder.storeCredentials(Map.of());
        assertThat(holder.get()).isSameAs(first);
        assertThat(builds[0]).isEqualTo(1);
    }
}
