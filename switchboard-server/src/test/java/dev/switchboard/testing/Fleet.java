package dev.switchboard.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Three gateways sharing one real Redis and one fake upstream, as a fleet of replicas behind a load balancer:
 * two with one event loop, one with two. Redis runs with its default timeout (75 ms); only the key prefix and
 * {@code on_failure} are set.
 */
public final class Fleet implements AutoCloseable {
    public static final int SIZE = 3;
    private final List<GatewayFixture> gateways = new ArrayList<>();

    private Fleet() {
    }

    /**
     * @param keys YAML list entries under {@code keys:} (each line starting with {@code - })
     * @param extra top-level YAML added to each gateway's config (e.g. {@code prices:}), or ""
     */
    public static Fleet start(RedisProcess redis, FakeUpstream upstream, String prefix, String onFailure, String keys, String extra) {
        Fleet fleet = new Fleet();
        try {
            for (int i = 0; i < SIZE; i++) {
                fleet.gateways.add(GatewayFixture.withYaml("""
                        version: 1
                        server: { listen: "127.0.0.1:%d", event_loops: %d }
                        redis: { url: "%s", prefix: "%s", on_failure: %s }
                        providers:
                          - { name: fake, type: openai, base_url: %s, api_key: sk-up-fleet, models: [gpt-4o] }
                        %s
                        keys:
                        %s
                        """.formatted(i == 1 ? freePort() : 0, i == 1 ? 2 : 1, redis.url(), prefix, onFailure, upstream.baseUrl(), extra, keys.indent(2))));
            }
        } catch (RuntimeException e) {
            fleet.close();
            throw e;
        }
        return fleet;
    }

    /** A {@code keys:} entry: {@code - { name: n, key: k, <spec> }}. */
    public static String key(String name, String key, String spec) {
        return "- { name: " + name + ", key: " + key + ", " + spec + " }\n";
    }

    public int size() {
        return gateways.size();
    }

    public String url(int i) {
        return gateways.get(i % gateways.size()).baseUrl();
    }

    public List<String> urls() {
        return gateways.stream().map(GatewayFixture::baseUrl).toList();
    }

    public GatewayFixture gateway(int i) {
        return gateways.get(i);
    }

    /**
     * Waits until the gateways count this key in Redis together: one request on each in turn, each seeing the
     * count one lower than the one before it. Uses 3 or more requests of the key's requests per minute.
     *
     * @return the remaining requests the last of them saw
     */
    public long awaitSharedCounting(String key, String body, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<Shot> round = new ArrayList<>();
            for (int i = 0; i < size(); i++) {
                round.add(FleetTraffic.one(this, i, key, body));
            }
            if (round.stream().allMatch(Shot::ok)) {
                long first = round.get(0).header("x-ratelimit-remaining-requests");
                boolean shared = true;
                for (int i = 1; i < round.size(); i++) {
                    shared &= round.get(i).header("x-ratelimit-remaining-requests") == first - i;
                }
                if (shared) {
                    return first - round.size() + 1;
                }
            }
            assertThat(System.nanoTime()).as("the fleet counts in Redis together again; last round: %s",
                    round.stream().map(s -> s.outcome() + (s.ok() ? " remaining " + s.header("x-ratelimit-remaining-requests") : "")).toList())
                    .isLessThan(end);
            sleep(100);
        }
    }

    @Override
    public void close() {
        gateways.forEach(GatewayFixture::close);
        gateways.clear();
    }

    /**
     * A port for the two-loop gateway: with {@code listen: ...:0} its second event loop fails to bind (the first
     * loop's random port is passed on, and Vert.x does not share a server it registered under port 0).
     */
    private static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
