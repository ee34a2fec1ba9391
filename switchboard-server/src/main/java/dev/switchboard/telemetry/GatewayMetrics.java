package dev.switchboard.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus metrics named after the OpenTelemetry GenAI semantic conventions. Meters are cached per label
 * set so the request path does a map lookup, not a registration. Thread-safe.
 * Labels never carry keys or prompt text: only operation, provider, model (as resolved) and outcome.
 * Histograms keep one window buffer (Prometheus reads cumulative buckets): a record updates one bucket array, not three.
 */
public final class GatewayMetrics {
    private static final Duration[] DURATION_BUCKETS = seconds(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12,
            10.24, 20.48, 40.96, 81.92);
    private static final Duration[] TTFT_BUCKETS = seconds(0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5,
            0.75, 1.0, 2.5, 5.0, 7.5, 10.0);
    private static final double[] TOKEN_BUCKETS = {1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576,
            4194304, 16777216, 67108864};

    /** The label set of one request outcome. {@code errorType} is "" on success. */
    public record Labels(String operation, String provider, String model, String status, String errorType) {}

    /** Every meter of one label set, so a request costs one map lookup. Meters are created on first use. */
    public final class MeterSet {
        private final Labels labels;
        private final Counter requests;
        private final Timer duration;
        private volatile Timer ttft;
        private volatile TokenMeters tokenMeters;

        private MeterSet(Labels labels) {
            this.labels = labels;
            requests = Counter.builder("switchboard.requests")
                    .description("Requests handled, by operation, provider, model and status")
                    .tags(tags(labels)).register(registry);
            duration = Timer.builder("gen_ai.server.request.duration")
                    .description("Time from request to the end of the response")
                    .serviceLevelObjectives(DURATION_BUCKETS)
                    .distributionStatisticBufferLength(1)
                    .tags(tags(labels)).register(registry);
        }

        public void request(long durationNanos) {
            requests.increment();
            duration.record(durationNanos, TimeUnit.NANOSECONDS);
        }

        public void timeToFirstToken(long nanos) {
            Timer t = ttft;
            if (t == null) {
                t = ttft = Timer.builder("gen_ai.server.time_to_first_token")
                        .description("Time from request to the first streamed chunk")
                        .serviceLevelObjectives(TTFT_BUCKETS)
                        .distributionStatisticBufferLength(1)
                        .tags(tags(labels)).register(registry);
            }
            t.record(nanos, TimeUnit.NANOSECONDS);
        }

        public void tokens(long input, long output) {
            TokenMeters t = tokenMeters;
            if (t == null) {
                // a meter set is shared by every event loop: the four meters are published together (registering
                // the same meter twice returns the registered one), never one at a time
                t = tokenMeters = new TokenMeters(tokenSummary("input"), tokenSummary("output"),
                        tokenCounter("input"), tokenCounter("output"));
            }
            t.inputTokens().record(input);
            t.outputTokens().record(output);
            t.inputTotal().increment(input);
            t.outputTotal().increment(output);
        }

        /** The token meters of one label set, created together on first use. */
        private record TokenMeters(DistributionSummary inputTokens, DistributionSummary outputTokens, Counter inputTotal,
                                   Counter outputTotal) {}

        private DistributionSummary tokenSummary(String type) {
            return DistributionSummary.builder("gen_ai.client.token.usage")
                    .description("Tokens used per request")
                    .baseUnit("tokens")
                    .serviceLevelObjectives(TOKEN_BUCKETS)
                    .distributionStatisticBufferLength(1)
                    .tags(tags(labels)).tag("gen_ai.token.type", type)
                    .register(registry);
        }

        private Counter tokenCounter(String type) {
            return Counter.builder("switchboard.tokens")
                    .description("Tokens counted, by type, provider, model and status")
                    .tags(tags(labels)).tag("gen_ai.token.type", type)
                    .register(registry);
        }
    }

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT,
            new PrometheusRegistry(), CoarseClock.INSTANCE);
    private final ConcurrentHashMap<Labels, MeterSet> meters = new ConcurrentHashMap<>();

    public MeterSet meters(Labels labels) {
        MeterSet m = meters.get(labels);
        return m != null ? m : meters.computeIfAbsent(labels, MeterSet::new);
    }

    /** The meters of answers one stage replayed (cache hits), by the stage's configured name. */
    private record ReplayMeters(Counter replays, Counter savedUsd) {}

    /** Stage names are the operator's, yet a bound keeps a config with ever-new names from growing the series. */
    private static final int MAX_REPLAY_STAGES = 256;
    private final ConcurrentHashMap<String, ReplayMeters> replays = new ConcurrentHashMap<>();

    /**
     * An answer a stage replayed (a cache hit) instead of calling a provider.
     *
     * @param stage           the answering stage's configured name (never a client value)
     * @param savedMicroUsd   what the provider call would have cost, micro-USD; negative when unknown (not added)
     */
    public void replayed(String stage, long savedMicroUsd) {
        String name = stage == null ? "unknown" : stage;
        ReplayMeters m = replays.get(name);
        if (m == null) {
            String label = replays.size() >= MAX_REPLAY_STAGES ? "other" : name;
            m = replays.computeIfAbsent(label, n -> new ReplayMeters(
                    Counter.builder("switchboard.stage.replays")
                            .description("Answers a stage replayed (cache hits) instead of calling a provider")
                            .tag("stage", n).register(registry),
                    Counter.builder("switchboard.stage.replays.saved.usd")
                            .description("USD the replayed answers saved: each one's usage at the price of the model that made it")
                            .baseUnit("usd").tag("stage", n).register(registry)));
        }
        m.replays().increment();
        if (savedMicroUsd > 0) {
            m.savedUsd().increment(savedMicroUsd / 1e6);
        }
    }

    public io.micrometer.core.instrument.MeterRegistry registry() {
        return registry;
    }

    public String scrape() {
        return registry.scrape();
    }

    private record Scrape(long startedAtNanos, String text) {}

    private Scrape lastScrape;

    /**
     * A scrape that began no earlier than {@code askedAtNanos}: the caller's own, or one a concurrent caller began
     * later (it shows everything the caller could expect), so a burst of scrapes costs one. Blocks: run it on a
     * worker thread, never on an event loop (a scrape walks every series).
     */
    public synchronized String scrapeSince(long askedAtNanos) {
        Scrape last = lastScrape;
        if (last != null && last.startedAtNanos() - askedAtNanos >= 0) {
            return last.text();
        }
        long started = System.nanoTime();
        String text = registry.scrape();
        lastScrape = new Scrape(started, text);
        return text;
    }

    private static String[] tags(Labels l) {
        return new String[] {
            "gen_ai.operation.name", l.operation(),
            "gen_ai.provider.name", l.provider(),
            "gen_ai.request.model", l.model(),
            "http.response.status_code", l.status(),
            "error.type", l.errorType()
        };
    }

    private static Duration[] seconds(double... values) {
        Duration[] out = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Duration.ofNanos((long) (values[i] * 1e9));
        }
        return out;
    }
}
