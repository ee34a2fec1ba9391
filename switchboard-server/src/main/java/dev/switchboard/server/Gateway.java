package dev.switchboard.server;

import dev.switchboard.server.engine.OutcomeRecorder;
import dev.switchboard.catalogue.ProviderCatalogue;
import dev.switchboard.config.ClientChosenRules;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.config.ServerConfig;
import dev.switchboard.cost.PriceTable;
import dev.switchboard.routing.PriceLookup;
import dev.switchboard.routing.TargetRegistry;
import dev.switchboard.runtime.Snapshot;
import dev.switchboard.secret.Secret;
import dev.switchboard.telemetry.GatewayMetrics;
import dev.switchboard.telemetry.RoutingMetrics;
import dev.switchboard.usage.UsageSink;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.transport.Transport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.switchboard.server.demo.DemoUpstream;
import dev.switchboard.server.health.HealthChecker;
import dev.switchboard.server.lane.FrontDoor;
import dev.switchboard.server.lane.GuardedTransport;

/**
 * Composition root: builds the data plane from a config and runs it. Tests start gateways through
 * {@link #start} exactly as {@code serve} does. Thread-safe for {@link #reload} and {@link #close}.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final Vertx vertx;
    private final SnapshotHolder snapshots;
    private final GatewayMetrics metrics;
    private final int port;
    private final int demoPort;
    private int telemetryPort = -1;
    private final ConfigWatcher watcher;

    private final GovernanceRuntime governance;

    private Gateway(Vertx vertx, SnapshotHolder snapshots, GatewayMetrics metrics, int port, int demoPort, ConfigWatcher watcher,
                    GovernanceRuntime governance) {
        this.governance = governance;
        this.vertx = vertx;
        this.snapshots = snapshots;
        this.metrics = metrics;
        this.port = port;
        this.demoPort = demoPort;
        this.watcher = watcher;
    }

    /** Options for {@link #start}; {@code configFile} enables hot reload when non-null. */
    public record Options(Path configFile, Duration reloadInterval, UsageSink usageSink) {
        public static Options defaults() {
            return new Options(null, Duration.ofSeconds(1), e -> { });
        }

        public Options withConfigFile(Path file) {
            return new Options(file, reloadInterval, usageSink);
        }

        public Options withUsageSink(UsageSink sink) {
            return new Options(configFile, reloadInterval, sink);
        }

        public Options withReloadInterval(Duration interval) {
            return new Options(configFile, interval, usageSink);
        }
    }

    public static Gateway start(GatewayConfig config, Options options) {
        ServerConfig sc = config.server();
        int loops = sc.eventLoops() > 0 ? sc.eventLoops() : Runtime.getRuntime().availableProcessors();
        Transport transport = transport();
        FrontDoor door = new FrontDoor(sc);
        door.guard(sc.port());
        Vertx vertx = Vertx.builder()
                .with(new VertxOptions().setEventLoopPoolSize(loops).setPreferNativeTransport(true).setDisableTCCL(true))
                .withTransport(new GuardedTransport(transport, door))
                .build();
        try {
            DemoUpstream demo = new DemoUpstream(vertx);
            int demoPort = await(demo.start());
            String demoUrl = "http://127.0.0.1:" + demoPort + "/v1";
            TargetRegistry registry = new TargetRegistry();
            warnClientChosenRules(config);
            dev.switchboard.cache.stage.GatewayCaches caches = dev.switchboard.cache.stage.GatewayCaches.of(vertx);
            SnapshotHolder snapshots = new SnapshotHolder(config, (c, creds) -> { // a new version's cache stages keep
                Snapshot built = build(c, demoUrl, registry, creds);               // the stores both versions use
                caches.adopt(built.stages());
                return built;
            });
            // store credentials arrive with the store's directory, and again whenever an admin changes them
            GovernanceRuntime governance = new GovernanceRuntime(vertx, config.governance(),
                    dir -> snapshots.storeCredentials(dir.credentials()));
            GatewayMetrics metrics = new GatewayMetrics();
            governance.registerMetrics(metrics.registry());
            dev.switchboard.cache.stage.GatewayCaches.of(vertx).bindMetrics(metrics.registry()); // cache stages' meters
            dev.switchboard.config.StoreConfig storeConfig = config.governance().store();
            if (storeConfig != null && storeConfig.semanticIndexDir() != null) { // kept beside the store
                dev.switchboard.cache.stage.GatewayCaches.of(vertx)
                        .keepSemanticIndexIn(Path.of(storeConfig.semanticIndexDir()));
            }
            UsageSink usageSink = governance.ledger == null ? options.usageSink() : event -> {
                governance.ledger.record(event);
                options.usageSink().record(event);
            };
            OutcomeRecorder recorder = new OutcomeRecorder(metrics, usageSink, governance.admission);
            RoutingMetrics routingMetrics = new RoutingMetrics(metrics, () -> snapshots.get().router().breaker());
            InternalEmbeddings embeddings = new InternalEmbeddings(snapshots, recorder);
            dev.switchboard.cache.stage.GatewayCaches.of(vertx).embeddingCalls(embeddings); // semantic.embedder's calls
            door.network(governance.auth.network());
            // One instance per loop, all on one listening socket. A port of 0 is asked of Vert.x as -1: its "random
            // port shared by every server asking for -1" (with 0 each instance would bind a random port of its own).
            int listenPort = sc.port() == 0 ? -1 : sc.port();
            List<GatewayVerticle> instances = new java.util.concurrent.CopyOnWriteArrayList<>();
            await(vertx.deployVerticle(() -> {
                GatewayVerticle v = new GatewayVerticle(snapshots, metrics, recorder, routingMetrics, governance, door,
                        sc.host(), listenPort, embeddings);
                instances.add(v);
                return v;
            }, new DeploymentOptions().setInstances(loops)));
            int port = instances.get(0).actualPort();
            door.guard(port);
            int telemetryPort = config.telemetry().ownListener()
                    ? await(TelemetryListener.start(vertx, config.telemetry(), metrics, snapshots)) : -1;
            if (telemetryPort > 0) {
                LOG.info("/metrics and /health/providers on {}:{} only", config.telemetry().host(), telemetryPort);
            }
            HealthChecker health = new HealthChecker(vertx, snapshots::get, registry);
            health.start(); // stopped with Vert.x
            ConfigWatcher watcher = null;
            if (options.configFile() != null) {
                ConfigLoader loader = ConfigLoader.withSystemEnv();
                watcher = new ConfigWatcher(options.configFile(), loader, next -> {
                    if (next.server().port() != sc.port() || !next.server().host().equals(sc.host())) {
                        LOG.warn("server.listen changed: it takes effect after a restart");
                    }
                    snapshots.reconfigure(next);
                    warnClientChosenRules(next);
                });
                watcher.start(options.reloadInterval());
            }
            LOG.info("switchboard listening on {}:{} ({} event loops, {} transport, {} providers, {} keys)",
                    sc.host(), port, loops, transport.name(), config.providers().size(), config.keys().size());
            Gateway gateway = new Gateway(vertx, snapshots, metrics, port, demoPort, watcher, governance);
            gateway.telemetryPort = telemetryPort;
            return gateway;
        } catch (RuntimeException e) {
            vertx.close();
            throw e;
        }
    }

    public int port() {
        return port;
    }

    /** Swaps in a new config: requests already running finish on the snapshot they started with. */
    public void reload(GatewayConfig config) {
        snapshots.reconfigure(config);
        warnClientChosenRules(config);
    }

    /** Route rules a client can pick with a header (see {@link ClientChosenRules}): legal, but worth a look. */
    private static void warnClientChosenRules(GatewayConfig config) {
        ClientChosenRules.find(config.routes()).forEach(LOG::warn);
    }

    private static Snapshot build(GatewayConfig config, String demoUrl, TargetRegistry registry,
                                  Map<String, Secret> storeCredentials) {
        return Snapshot.build(config, ProviderCatalogue.bundled(), type -> demoUrl, registry, PRICES, storeCredentials);
    }

    /** Blended price (3 input : 1 output) for the lowest-cost strategy. */
    private static final PriceLookup PRICES = (provider, model) -> PriceTable.bundled().find(provider, model)
            .map(p -> (3 * p.inputPerMillion() + p.outputPerMillion()) / 4).orElse(Double.NaN);

    /** The admin API's port, or -1 when it is not configured. */
    public int adminPort() {
        return governance.admin == null ? -1 : governance.admin.port();
    }

    /** The telemetry listener's port, or -1 when {@code telemetry.listen} is not configured. */
    public int telemetryPort() {
        return telemetryPort;
    }

    public GatewayMetrics metrics() {
        return metrics;
    }

    /** Drains (readiness turns 503, requests in flight finish up to the drain timeout), then stops. */
    @Override
    public void close() {
        if (watcher != null) {
            watcher.close();
        }
        snapshots.startDraining();
        governance.stopTimers();
        long drainMs = snapshots.get().config().server().drainTimeout().toMillis();
        try {
            // undeploying drains the requests in flight; then the counters are flushed while Vert.x still runs
            List<Future<Void>> undeploys = new ArrayList<>();
            for (String id : vertx.deploymentIDs()) {
                undeploys.add(vertx.undeploy(id));
            }
            Future.join(undeploys).toCompletionStage().toCompletableFuture().get(drainMs + 10_000, TimeUnit.MILLISECONDS);
            governance.flushCounters();
            dev.switchboard.cache.stage.GatewayCaches.close(vertx).toCompletionStage().toCompletableFuture()
                    .get(5_000, TimeUnit.MILLISECONDS); // cache stores' clients (Redis)
            vertx.close().toCompletionStage().toCompletableFuture().get(10_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("shutdown did not complete cleanly: {}", e.toString());
        }
        governance.close(); // after the drain: the last usage records are flushed (or journaled) before the store closes
    }

    /** io_uring when the kernel allows it (least CPU per request), else epoll, else NIO; SWITCHBOARD_TRANSPORT overrides. */
    private static Transport transport() {
        String wanted = System.getenv().getOrDefault("SWITCHBOARD_TRANSPORT", "auto").toLowerCase(Locale.ROOT);
        List<Transport> order = switch (wanted) {
            case "nio" -> List.of(Transport.NIO);
            case "epoll" -> List.of(Transport.EPOLL, Transport.NIO);
            default -> List.of(Transport.IO_URING, Transport.EPOLL, Transport.NIO);
        };
        for (Transport t : order) {
            if (t.available()) {
                return t;
            }
        }
        return Transport.NIO;
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new IllegalStateException("gateway failed to start: " + (cause == null ? e : cause.getMessage()), cause);
        } catch (TimeoutException e) {
            throw new IllegalStateException("gateway did not start within 30 s", e);
        }
    }
}
