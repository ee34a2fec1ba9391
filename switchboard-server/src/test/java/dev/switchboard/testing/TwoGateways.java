package dev.switchboard.testing;

/**
 * Two gateway instances sharing one real Redis and one fake upstream, started from one config: what the shared-cache
 * and shared-limit tests need. The first instance may get more YAML of its own (a store and an admin listener).
 */
public final class TwoGateways implements AutoCloseable {
    public final FakeUpstream upstream;
    public final RedisProcess redis;
    public final GatewayFixture one;
    public final GatewayFixture two;

    private TwoGateways(FakeUpstream upstream, RedisProcess redis, GatewayFixture one, GatewayFixture two) {
        this.upstream = upstream;
        this.redis = redis;
        this.one = one;
        this.two = two;
    }

    /**
     * @param yaml    the shared config, with {@code %1$s} for the upstream's URL, {@code %2$s} its key, {@code %3$s} the
     *                test key ({@link GatewayFixture#KEY}) and {@code %4$s} the Redis URL
     * @param oneOnly YAML added to the first instance's config only ("" for none)
     */
    public static TwoGateways start(String yaml, String oneOnly) {
        FakeUpstream upstream = FakeUpstream.start();
        RedisProcess redis = new RedisProcess();
        GatewayFixture one = null;
        try {
            redis.start();
            String shared = yaml.formatted(upstream.baseUrl(), GatewayFixture.UPSTREAM_KEY, GatewayFixture.KEY, redis.url());
            one = GatewayFixture.withYaml(shared + oneOnly);
            return new TwoGateways(upstream, redis, one, GatewayFixture.withYaml(shared));
        } catch (RuntimeException e) { // nothing started is left running
            if (one != null) {
                one.close();
            }
            redis.close();
            upstream.close();
            throw e;
        }
    }

    @Override
    public void close() {
        one.close();
        two.close();
        redis.close();
        upstream.close();
    }
}
