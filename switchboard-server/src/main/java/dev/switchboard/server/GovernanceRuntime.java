package dev.switchboard.server;

import dev.switchboard.server.engine.AdmissionControl;
import dev.switchboard.admin.AdminServer;
import dev.switchboard.admin.AdminSettings;
import dev.switchboard.config.AdminConfig;
import dev.switchboard.config.GovernanceConfig;
import dev.switchboard.config.JwtConfig;
import dev.switchboard.config.KeyConfig;
import dev.switchboard.config.RedisConfig;
import dev.switchboard.config.StoreConfig;
import dev.switchboard.cost.PriceTable;
import dev.switchboard.governance.CallerAuth;
import dev.switchboard.governance.CredentialSync;
import dev.switchboard.governance.NetworkGuard;
import dev.switchboard.governance.StoreDirectory;
import dev.switchboard.governance.StoreSync;
import dev.switchboard.limits.DegradingLimiter;
import dev.switchboard.limits.DegradingSettings;
import dev.switchboard.limits.InstanceRegistry;
import dev.switchboard.limits.Limiter;
import dev.switchboard.limits.LocalLimiter;
import dev.switchboard.limits.QueueingLimiter;
import dev.switchboard.limits.RedisLimiter;
import dev.switchboard.limits.RedisLimiterSettings;
import dev.switchboard.server.auth.JwtAuthenticator;
import dev.switchboard.server.auth.JwtClaimMapping;
import dev.switchboard.server.auth.JwtSettings;
import dev.switchboard.store.Store;
import dev.switchboard.store.StoreSettings;
import dev.switchboard.store.crypto.MasterKey;
import dev.switchboard.store.ledger.UsageLedger;
import dev.switchboard.store.ledger.UsageLedgerSettings;
import dev.switchboard.tokens.TokenEstimator;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.switchboard.server.admission.AccessRequestLimit;

/**
 * Builds and owns everything governance needs at run time from the config read at startup: the store and its
 * usage ledger, the in-memory key directory, JWT verification, the network rules, the limiter (Redis-backed when
 * configured, with a local fallback) and the price table. Changing these sections takes a restart.
 */
final class GovernanceRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GovernanceRuntime.class);

    final Store store;
    final MasterKey masterKey;
    final UsageLedger ledger;
    final StoreSync storeSync;
    final CallerAuth auth;
    final AdmissionControl admission;
    final Limiter limiter;
    final AdminServer admin;
    final AccessRequestLimit accessRequestLimit = new AccessRequestLimit();
    private final JwtAuthenticator jwt;
    private final DegradingLimiter degrading;
    private final RedisLimiter redis;
    /** Heartbeats in Redis: how many instances share the limits (each takes its share while Redis is away). */
    private final InstanceRegistry instances;

    GovernanceRuntime(Vertx vertx, GovernanceConfig g, Consumer<StoreDirectory> onStoreChange) {
        StoreConfig sc = g.store();
        if (sc != null) {
            store = Store.open(new StoreSettings(sc.url(), sc.user(), sc.password() == null ? null : sc.password().value(),
                    sc.poolSize()));
            masterKey = masterKey(sc);
            ledger = store.usageLedger(UsageLedgerSettings.defaults(Path.of(sc.usageJournal())));
            storeSync = new StoreSync(vertx, store, masterKey == null ? null : store.credentials(masterKey), onStoreChange);
            storeSync.start(sc.keyRefresh());
        } else {
            store = null;
            masterKey = null;
            ledger = null;
            storeSync = null;
        }
        jwt = g.jwt() == null ? null : JwtAuthenticator.create(vertx, jwtSettings(g.jwt()));
        if (jwt != null) {
            jwt.start().onFailure(e -> LOG.warn("JWT keys not loaded yet (retrying in the background): {}", e.getMessage()));
        }
        auth = new CallerAuth(storeSync == null ? () -> StoreDirectory.EMPTY : storeSync::directory, jwt,
                new NetworkGuard(g.network(), g.trustedProxies()));
        RedisConfig rc = g.redis();
        LocalLimiter local = new LocalLimiter();
        if (rc != null) {
            redis = RedisLimiter.create(vertx, rc.url(), new RedisLimiterSettings(rc.prefix(), Duration.ofMillis(20), 100));
            try {
                redis.warmUp().await(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("redis at startup: {} (counting locally until it answers)", e.getMessage());
            }
            instances = InstanceRegistry.create(vertx, rc.url(), rc.prefix());
            try {
                instances.start().await(2, TimeUnit.SECONDS); // know the fleet's size before serving
            } catch (Exception e) {
                LOG.warn("instance heartbeat at startup: {} (assuming one instance until it answers)", e.getMessage());
            }
            degrading = new DegradingLimiter(vertx, redis, local, new DegradingSettings(rc.failOpen(), rc.timeout(),
                    Duration.ofSeconds(1)), instances::live);
            limiter = new QueueingLimiter(vertx, degrading);
        } else {
            redis = null;
            instances = null;
            degrading = null;
            limiter = new QueueingLimiter(vertx, local);
        }
        admission = new AdmissionControl(limiter, new TokenEstimator(), PriceTable.bundled().withOverrides(g.prices()));
        if (g.admin() != null && g.admin().keys().isEmpty()) {
            LOG.warn("admin API off: no admin key is set (e.g. SWITCHBOARD_ADMIN_KEY, at least {} characters)",
                    AdminConfig.MIN_KEY_LENGTH);
        }
        try {
            admin = g.admin() == null || g.admin().keys().isEmpty() || store == null ? null : startAdmin(vertx, g.admin());
        } catch (RuntimeException e) {
            close(); // the store and the ledger opened above
            throw e;
        }
    }

    private AdminServer startAdmin(Vertx vertx, AdminConfig ac) {
        List<String> digests = ac.keys().stream().map(KeyConfig::sha256).toList();
        for (KeyConfig k : ac.keys()) { // config client keys are checked at load; store keys here
            boolean clash;
            try {
                clash = store.keys().findActiveByHash(k.sha256()).isPresent();
            } catch (dev.switchboard.store.failure.StoreException e) {
                clash = false; // the store is down: StoreSync reports it
            }
            if (clash) {
                throw new IllegalStateException("admin key '" + k.name() + "' is also a client key in the store; "
                        + "admin keys must be separate");
            }
        }
        try {
            AdminServer server = AdminServer.start(vertx, new AdminSettings(ac.host(), ac.port(), digests, ac.tlsCert(), ac.tlsKey(), ac.allow()), store, masterKey)
                    .await(30, TimeUnit.SECONDS);
            server.onMasterKeyRotated(key -> storeSync.credentials(store.credentials(key)));
            if (ac.tlsCert() == null && !java.net.InetAddress.getByName(ac.host()).isLoopbackAddress()) {
                LOG.warn("admin API on {} without TLS: admin keys and master keys cross the network in clear text "
                        + "(set admin.tls)", ac.host());
            }
            return server;
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the admin API did not start within 30 s", e);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("admin.listen host is unknown: " + ac.host(), e);
        }
    }

    /** Exports whether shared counting is degraded: 0 on Redis (or no Redis configured), 1 counting locally, 2 refusing. */
    void registerMetrics(io.micrometer.core.instrument.MeterRegistry registry) {
        io.micrometer.core.instrument.Gauge.builder("switchboard.limiter.degraded", this, g -> switch (g.limiterMode()) {
            case "LOCAL_FALLBACK" -> 1;
            case "CLOSED" -> 2;
            default -> 0;
        }).description("Shared limit counters: 0 in Redis (or not configured), 1 counted locally, 2 refusing").register(registry);
        if (instances != null) {
            io.micrometer.core.instrument.Gauge.builder("switchboard.limiter.instances", instances, InstanceRegistry::live)
                    .description("Gateway instances sharing the Redis limits at the last heartbeat (each takes its "
                            + "share of a limit while Redis is away)").register(registry);
        }
        if (storeSync != null) {
            io.micrometer.core.instrument.Gauge.builder("switchboard.store.master_key.mismatch", storeSync,
                    s -> s.credentialAlarm().mismatch() ? 1 : 0)
                    .description("1 when the store's credentials are under another master key than this server's")
                    .register(registry);
            io.micrometer.core.instrument.Gauge.builder("switchboard.store.credentials.undecryptable", storeSync,
                    s -> s.credentialAlarm().undecryptable())
                    .description("Store credentials this server cannot decrypt (last good copies keep serving)")
                    .register(registry);
        }
    }

    /** The {@code /readyz} body: ready, plus the credential alarm when there is one (the replica still serves). */
    String readyBody() {
        CredentialSync.Alarm alarm = storeSync == null ? CredentialSync.Alarm.CLEAR : storeSync.credentialAlarm();
        if (alarm.equals(CredentialSync.Alarm.CLEAR)) {
            return "{\"status\":\"ready\"}";
        }
        var o = dev.switchboard.json.Json.MAPPER.createObjectNode().put("status", "ready");
        var store = o.putObject("store");
        if (alarm.mismatch()) {
            store.put("alarm", "master_key_mismatch").put("master_key_in_force", alarm.masterKeyInForce())
                    .put("master_key", alarm.masterKey());
        }
        store.put("undecryptable_credentials", alarm.undecryptable());
        return o.toString();
    }

    /** REDIS, LOCAL_FALLBACK or CLOSED with Redis; LOCAL without. */
    String limiterMode() {
        return degrading == null ? "LOCAL" : degrading.mode().name();
    }

    private static MasterKey masterKey(StoreConfig sc) {
        if (System.getenv(MasterKey.ENV_VAR) == null && sc.masterKeyFile() == null) {
            LOG.info("no master key ({} or store.master_key_file): upstream credentials in the store are not used",
                    MasterKey.ENV_VAR);
            return null;
        }
        return MasterKey.fromEnvOrFile(sc.masterKeyFile() == null ? null : Path.of(sc.masterKeyFile()));
    }

    private static JwtSettings jwtSettings(JwtConfig j) {
        JwtSettings.Builder b = JwtSettings.builder().issuer(j.issuer()).audiences(j.audiences())
                .clockSkew(j.clockSkew())
                .claims(new JwtClaimMapping(j.nameClaim(), j.teamClaim(), j.metadataClaims(), j.modelsClaim()));
        if (j.jwksUrl() != null) {
            b.jwksUrl(URI.create(j.jwksUrl()));
        } else if (j.publicKeyPem() != null) {
            b.publicKeyPem(j.publicKeyPem());
        } else {
            b.hmacSecret(j.hmacSecret().value());
        }
        if (!j.algorithms().isEmpty()) {
            b.algorithms(j.algorithms().toArray(String[]::new));
        }
        return b.build();
    }

    /**
     * After the drain, while Vert.x still runs: reconciliations still queued for Redis are sent, and this instance
     * leaves the instance set (the others' shares grow at once instead of after the heartbeat expiry).
     */
    void flushCounters() {
        if (redis != null) {
            try {
                redis.flushReconciles().await(2, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("pending limit reconciliations not sent to Redis: {}", e.toString());
            }
        }
        if (instances != null) {
            try {
                instances.leave().await(1, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.debug("instance entry not removed (it expires by itself): {}", e.toString());
            }
        }
    }

    /** Before the drain: no more admin changes, refresh polls, Redis probes or heartbeats (the entry then expires). */
    void stopTimers() {
        if (admin != null) {
            admin.close();
        }
        if (storeSync != null) {
            storeSync.close();
        }
        if (degrading != null) {
            degrading.close();
        }
        if (instances != null) {
            instances.stop();
        }
    }

    /** After the drain: Redis, JWT refresh, then the last usage records and the store. */
    @Override
    public void close() {
        if (redis != null) {
            redis.close();
        }
        if (jwt != null) {
            jwt.close();
        }
        if (ledger != null) {
            ledger.flush(Duration.ofSeconds(5));
        }
        if (store != null) {
            store.close();
        }
    }
}
