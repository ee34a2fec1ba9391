package dev.switchboard.store;

import static dev.switchboard.store.ledger.UsageEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.store.crypto.CredentialDecryptionException;
import dev.switchboard.store.crypto.MasterKey;
import dev.switchboard.store.failure.NotFoundException;
import dev.switchboard.store.failure.StoreException;
import dev.switchboard.store.ledger.UsageGroupBy;
import dev.switchboard.store.ledger.UsageLedger;
import dev.switchboard.store.ledger.UsageLedgerSettings;
import dev.switchboard.store.ledger.UsageReport;
import dev.switchboard.store.ledger.UsageRow;
import dev.switchboard.store.repository.AccessPolicy;
import dev.switchboard.store.repository.AccessRequest;
import dev.switchboard.store.repository.AuditEntry;
import dev.switchboard.store.repository.Budget;
import dev.switchboard.store.repository.CreatedKey;
import dev.switchboard.store.repository.CredentialRecord;
import dev.switchboard.store.repository.CredentialRepository;
import dev.switchboard.store.repository.DecryptedCredential;
import dev.switchboard.store.repository.KeyRecord;
import dev.switchboard.store.repository.KeySecrets;
import dev.switchboard.store.repository.Limits;
import dev.switchboard.store.repository.NewKey;
import dev.switchboard.store.repository.TeamRecord;
import dev.switchboard.usage.Usage;
import dev.switchboard.usage.UsageEvent;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same repository contract on every backend; subclasses provide a fresh, empty database per test. */
abstract class StoreContractTest {
    @TempDir
    Path tmp;
    Store store;

    /** Settings of a new empty database. */
    abstract StoreSettings freshDatabase() throws Exception;

    StoreSettings settings;

    @BeforeEach
    void open() throws Exception {
        settings = freshDatabase();
        store = Store.open(settings);
    }

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    @Test
    void migrationsApplyOnEmptyDatabaseAndAreIdempotentOnRestart() throws Exception {
        store.teams().create("admin", "a-team", AccessPolicy.OPEN);
        store.close();
        store = Store.open(settings);
        store.close();
        store = Store.open(settings);
        assertThat(store.teams().findByName("a-team")).isPresent();
        // each migration applied once, whatever their number
        assertThat(queryLong("SELECT COUNT(*) FROM flyway_schema_history WHERE success = " + trueLiteral()))
                .isPositive().isEqualTo(queryLong("SELECT COUNT(DISTINCT version) FROM flyway_schema_history"));
        assertThat(queryLong("SELECT COUNT(*) FROM usage")).isZero();
    }

    String trueLiteral() {
        return "TRUE";
    }

    @Test
    void keyLifecycle() throws Exception {
        TeamRecord team = store.teams().create("alice", "research",
                new AccessPolicy(List.of("gpt-4o"), Map.of("cost_center", "42"), new Limits(60L, null, 1_000_000L),
                        new Budget(new BigDecimal("100.50"), Budget.Period.MONTH)));
        long rev0 = store.revision();

        CreatedKey created = store.keys().createKey("alice", new NewKey("ci-bot", team.id(), null,
                AccessPolicy.OPEN.withAllowedModels(List.of("gpt-4o-mini"))));
        String secret = created.secret();
        assertThat(secret).startsWith("sk-sb-").hasSize(46).matches("sk-sb-[0-9A-Za-z]{40}");
        assertThat(created.toString()).doesNotContain(secret);
        assertThat(created.record().prefix()).isEqualTo(secret.substring(0, 12));
        assertThat(created.record().secretSha256()).isEqualTo(KeySecrets.sha256Hex(secret));
        assertThat(store.revision()).isGreaterThan(rev0);

        KeyRecord listed = store.keys().list().getFirst();
        assertThat(listed).isEqualTo(created.record());
        assertThat(listed.toString()).doesNotContain(secret);
        assertThat(listed.teamId()).isEqualTo(team.id());

        List<String> rawValues = rawRows("SELECT * FROM client_keys");
        assertThat(rawValues).isNotEmpty().noneMatch(v -> v.contains(secret.substring(6)));
        assertThat(rawValues).contains(KeySecrets.sha256Hex(secret), secret.substring(0, 12));

        assertThat(store.keys().findActiveByHash(KeySecrets.sha256Hex(secret))).contains(created.record());
        assertThat(store.keys().listActiveKeys()).containsExactly(created.record());

        KeyRecord limited = store.keys().updateLimits("alice", created.record().id(), new Limits(10L, 2000L, null));
        limited = store.keys().updateBudget("alice", limited.id(), new Budget(new BigDecimal("5"), Budget.Period.DAY));
        limited = store.keys().updateMetadata("alice", limited.id(), Map.of("env", "ci"));
        assertThat(store.keys().get(limited.id()).orElseThrow().policy()).isEqualTo(new AccessPolicy(
                List.of("gpt-4o-mini"), Map.of("env", "ci"), new Limits(10L, 2000L, null),
                new Budget(new BigDecimal("5"), Budget.Period.DAY)));
        assertThat(store.teams().get(team.id()).orElseThrow().policy().budget().amountUsd())
                .isEqualByComparingTo("100.50");

        long rev1 = store.revision();
        KeyRecord revoked = store.keys().revoke("bob", created.record().id());
        assertThat(revoked.revoked()).isTrue();
        assertThat(revoked.revokedAt()).isNotNull();
        assertThat(store.revision()).isGreaterThan(rev1);
        assertThat(store.keys().listActiveKeys()).isEmpty();
        assertThat(store.keys().findActiveByHash(KeySecrets.sha256Hex(secret))).isEmpty();
        assertThat(store.keys().list()).hasSize(1);

        CreatedKey expired = store.keys().createKey("alice", new NewKey("old", null,
                Instant.now().minusSeconds(5), null));
        CreatedKey later = store.keys().createKey("alice", new NewKey("later", null,
                Instant.now().plus(Duration.ofDays(1)), null));
        assertThat(store.keys().listActiveKeys()).extracting(KeyRecord::id).containsExactly(later.record().id());
        assertThat(store.keys().findActiveByHash(KeySecrets.sha256Hex(expired.secret()))).isEmpty();
        assertThat(expired.record().isActive(Instant.now())).isFalse();

        long rev2 = store.revision();
        assertThat(store.revision()).isEqualTo(rev2); // reads do not move it
    }

    @Test
    void keyOfUnknownTeamIsRefusedAndNothingIsAudited() {
        long rev = store.revision();
        assertThatThrownBy(() -> store.keys().createKey("alice", new NewKey("x", "team_missing", null, null)))
                .isInstanceOf(StoreException.class);
        assertThat(store.keys().list()).isEmpty();
        assertThat(store.audit().list(Instant.EPOCH, 100)).isEmpty();
        assertThat(store.revision()).isEqualTo(rev);
    }

    @Test
    void credentialsAreEncryptedAtRestAndRotate() throws Exception {
        MasterKey key = MasterKey.generate();
        CredentialRepository creds = store.credentials(key);
        String plaintext = "sk-upstream-THIS-IS-SECRET-123";
        CredentialRecord rec = creds.put("alice", "openai", "primary", plaintext);
        creds.put("alice", "openai", "backup", "sk-upstream-second");
        CredentialRecord other = creds.put("alice", "anthropic", "main", "sk-ant-third");

        assertThat(rawRows("SELECT * FROM upstream_credentials")).noneMatch(v -> v.contains("SECRET"));
        assertThat(rawBytes("SELECT ciphertext FROM upstream_credentials"))
                .noneMatch(b -> new String(b, StandardCharsets.ISO_8859_1).contains("SECRET"));
        assertThat(creds.list()).extracting(CredentialRecord::label).containsExactlyInAnyOrder("primary", "backup", "main");
        assertThat(creds.decrypt(rec.id()).secret()).isEqualTo(plaintext);
        assertThat(creds.decrypt(rec.id()).toString()).doesNotContain(plaintext);
        assertThat(creds.decryptAllForProvider("openai")).extracting(DecryptedCredential::secret)
                .containsExactlyInAnyOrder(plaintext, "sk-upstream-second");

        assertThatThrownBy(() -> store.credentials(MasterKey.generate()).decrypt(rec.id()))
                .isInstanceOf(CredentialDecryptionException.class)
                .hasMessageNotContaining(plaintext);

        // a ciphertext copied into another row does not decrypt there (associated data binds it to its row)
        try (Connection c = store.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE upstream_credentials SET ciphertext = (SELECT ciphertext FROM upstream_credentials "
                    + "WHERE id = '" + rec.id() + "'), nonce = (SELECT nonce FROM upstream_credentials WHERE id = '"
                    + rec.id() + "') WHERE id = '" + other.id() + "'");
        }
        assertThatThrownBy(() -> creds.decrypt(other.id())).isInstanceOf(CredentialDecryptionException.class);
        creds.delete("alice", other.id());

        MasterKey newKey = MasterKey.generate();
        assertThat(creds.rotate("alice", key, newKey)).isEqualTo(2);
        assertThat(store.credentials(newKey).decrypt(rec.id()).secret()).isEqualTo(plaintext);
        assertThatThrownBy(() -> creds.decrypt(rec.id())).isInstanceOf(CredentialDecryptionException.class);
        assertThat(store.credentials(newKey).list()).allMatch(r -> r.keyFingerprint().equals(newKey.fingerprint()));

        // rotating with the wrong old key changes nothing (all or nothing)
        assertThatThrownBy(() -> creds.rotate("alice", key, MasterKey.generate()))
                .isInstanceOf(CredentialDecryptionException.class);
        assertThat(store.credentials(newKey).decrypt(rec.id()).secret()).isEqualTo(plaintext);

        assertThat(store.audit().list(Instant.EPOCH, 100)).extracting(AuditEntry::action)
                .contains("credential.put", "credential.delete", "credential.rotate")
                .allSatisfy(a -> assertThat(a).isNotNull());
        assertThat(store.audit().list(Instant.EPOCH, 100)).extracting(AuditEntry::detailsJson)
                .noneMatch(d -> d.contains("sk-upstream") || d.contains("sk-ant"));
    }

    @Test
    void approvalAddsTheModelAndRejectionDoesNot() {
        CreatedKey key = store.keys().createKey("alice", new NewKey("app", null, null,
                AccessPolicy.OPEN.withAllowedModels(List.of("gpt-4o-mini"))));
        String keyId = key.record().id();
        AccessRequest wanted = store.approvals().request(AccessRequest.RequesterKind.KEY, keyId, "gpt-4o", "evals");
        AccessRequest unwanted = store.approvals().request(AccessRequest.RequesterKind.KEY, keyId, "o3", "curious");
        assertThat(store.approvals().listPending()).extracting(AccessRequest::id)
                .containsExactlyInAnyOrder(wanted.id(), unwanted.id());

        long rev = store.revision();
        AccessRequest approved = store.approvals().approve(wanted.id(), "admin-bob");
        assertThat(approved.status()).isEqualTo(AccessRequest.Status.APPROVED);
        assertThat(approved.decidedBy()).isEqualTo("admin-bob");
        assertThat(approved.decidedAt()).isNotNull();
        assertThat(store.keys().get(keyId).orElseThrow().policy().allowedModels()).containsExactly("gpt-4o-mini", "gpt-4o");
        assertThat(store.revision()).isGreaterThan(rev);

        AccessRequest rejected = store.approvals().reject(unwanted.id(), "admin-bob", "too expensive");
        assertThat(rejected.status()).isEqualTo(AccessRequest.Status.REJECTED);
        assertThat(rejected.note()).isEqualTo("too expensive");
        assertThat(store.keys().get(keyId).orElseThrow().policy().allows("o3")).isFalse();
        assertThat(store.approvals().listPending()).isEmpty();
        assertThatThrownBy(() -> store.approvals().approve(unwanted.id(), "admin-eve")).isInstanceOf(NotFoundException.class);
        assertThat(store.keys().get(keyId).orElseThrow().policy().allows("o3")).isFalse();

        TeamRecord restricted = store.teams().create("alice", "restricted", AccessPolicy.OPEN.withAllowedModels(List.of("a")));
        TeamRecord open = store.teams().create("alice", "open", AccessPolicy.OPEN);
        store.approvals().approve(store.approvals().request(AccessRequest.RequesterKind.TEAM, restricted.id(), "b", null).id(), "bob");
        store.approvals().approve(store.approvals().request(AccessRequest.RequesterKind.TEAM, open.id(), "b", null).id(), "bob");
        assertThat(store.teams().get(restricted.id()).orElseThrow().policy().allowedModels()).containsExactly("a", "b");
        assertThat(store.teams().get(open.id()).orElseThrow().policy().allowedModels()).isEmpty(); // still all models
        assertThatThrownBy(() -> store.approvals().request(AccessRequest.RequesterKind.KEY, "key_missing", "x", null))
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void concurrentAdminChangesToOneKeyLoseNothing() throws Exception {
        String keyId = store.keys().createKey("alice", new NewKey("shared", null, null,
                AccessPolicy.OPEN.withAllowedModels(List.of("base")))).record().id();
        List<String> requests = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            requests.add(store.approvals().request(AccessRequest.RequesterKind.KEY, keyId, "model-" + i, null).id());
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (String id : requests) {
                done.add(pool.submit(() -> store.approvals().approve(id, "bob")));
            }
            done.add(pool.submit(() -> {
                for (long i = 1; i <= 30; i++) {
                    store.keys().updateLimits("carol", keyId, new Limits(i, null, null));
                }
            }));
            done.add(pool.submit(() -> {
                for (int i = 1; i <= 30; i++) {
                    store.keys().updateBudget("dave", keyId, new Budget(BigDecimal.valueOf(i), Budget.Period.TOTAL));
                }
            }));
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        AccessPolicy policy = store.keys().get(keyId).orElseThrow().policy();
        assertThat(policy.allowedModels()).hasSize(25).contains("base", "model-0", "model-23");
        assertThat(policy.limits().requestsPerMinute()).isEqualTo(30L);
        assertThat(policy.budget().amountUsd()).isEqualByComparingTo("30");
    }

    @Test
    void everyChangeIsAuditedWithoutSecrets() {
        Instant start = Instant.now().minusSeconds(1);
        TeamRecord team = store.teams().create("alice", "t", AccessPolicy.OPEN);
        store.teams().updatePolicy("alice", team.id(), AccessPolicy.OPEN.withAllowedModels(List.of("m")));
        CreatedKey key = store.keys().createKey("alice", new NewKey("k", team.id(), null, null));
        store.keys().updateAllowedModels("carol", key.record().id(), List.of("m"));
        store.keys().revoke("carol", key.record().id());
        store.credentials(MasterKey.generate()).put("dave", "openai", "x", "sk-live-credential-value");
        AccessRequest req = store.approvals().request(AccessRequest.RequesterKind.TEAM, team.id(), "n", null);
        store.approvals().approve(req.id(), "erin");

        List<AuditEntry> entries = store.audit().list(start, 100);
        assertThat(entries).extracting(AuditEntry::action).containsExactly("team.create", "team.update", "key.create",
                "key.update", "key.revoke", "credential.put", "approval.request", "approval.approve");
        assertThat(entries).extracting(AuditEntry::actor).containsExactly("alice", "alice", "alice", "carol", "carol",
                "dave", "team:" + team.id(), "erin");
        assertThat(entries.get(2).targetKind()).isEqualTo("key");
        assertThat(entries.get(2).targetId()).isEqualTo(key.record().id());
        assertThat(entries).extracting(AuditEntry::detailsJson)
                .noneMatch(d -> d.contains(key.secret().substring(6)) || d.contains("sk-live-credential-value")
                        || d.contains(key.record().secretSha256()));
        assertThat(store.audit().list(start, 3)).hasSize(3);
        assertThat(store.audit().list(Instant.now().plusSeconds(60), 100)).isEmpty();
    }

    @Test
    void tenThousandEventsFromSeveralThreadsAreWrittenExactlyOnce() throws Exception {
        try (UsageLedger ledger = store.usageLedger(UsageLedgerSettings.defaults(tmp.resolve("usage.journal")))) {
            Instant at = Instant.parse("2026-01-01T00:00:00Z");
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = thread; i < 10_000; i += 4) {
                        ledger.record(event("req-" + i, at.plusMillis(i), "k" + (i % 3), "team", "m", 1.0));
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            pool.shutdown();
            ledger.record(event("req-7", at, "k1", "team", "m", 1.0)); // a duplicate request id is ignored
            ledger.record(null); // refused, never thrown on the caller
            ledger.record(event(null, at, "k1", "team", "m", 1.0));
            assertThat(ledger.rejected()).isEqualTo(2);
            assertThat(ledger.flush(Duration.ofSeconds(60))).isTrue();
            assertThat(queryLong("SELECT COUNT(*) FROM usage")).isEqualTo(10_000);
            assertThat(queryLong("SELECT COUNT(DISTINCT request_id) FROM usage")).isEqualTo(10_000);
            assertThat(ledger.usage(null, null, UsageGroupBy.KEY).totals().requests()).isEqualTo(10_000);
        }
    }

    @Test
    void usageIsAggregatedByKeyTeamModelAndProviderOverATimeRange() {
        Instant t0 = Instant.parse("2026-03-01T00:00:00Z");
        try (UsageLedger ledger = store.usageLedger(UsageLedgerSettings.defaults(tmp.resolve("agg.journal")))) {
            ledger.record(event("a", t0, "alice", "red", "gpt-4o", 0.25));
            ledger.record(event("b", t0.plusSeconds(10), "alice", "red", "gpt-4o-mini", 0.5));
            ledger.record(event("c", t0.plusSeconds(20), "bob", "blue", "gpt-4o", 1.0));
            ledger.record(new UsageEvent(t0.plusSeconds(30), "d", "bob", "chat", "gpt-4o", "openai", "gpt-4o-2024",
                    false, 500, Usage.NONE, false, 3, -1)); // no team, cost unknown
            ledger.record(event("late", t0.plus(Duration.ofDays(2)), "alice", "red", "gpt-4o", 100));
            assertThat(ledger.flush(Duration.ofSeconds(30))).isTrue();

            Instant to = t0.plus(Duration.ofDays(1));
            UsageReport byKey = store.usage().usage(t0, to, UsageGroupBy.KEY);
            assertThat(byKey.rows()).containsExactly(
                    new UsageRow("bob", 2, 100, 20, 10, 5, 1.0),
                    new UsageRow("alice", 2, 200, 40, 20, 10, 0.75));
            assertThat(byKey.totals()).isEqualTo(new UsageRow(null, 4, 300, 60, 30, 15, 1.75));

            assertThat(store.usage().usage(t0, to, UsageGroupBy.TEAM).rows()).extracting(UsageRow::group,
                    UsageRow::requests).containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("red", 2L),
                    org.assertj.core.groups.Tuple.tuple("blue", 1L), org.assertj.core.groups.Tuple.tuple(null, 1L));
            UsageReport byModel = store.usage().usage(t0, to, UsageGroupBy.MODEL);
            assertThat(byModel.rows()).extracting(UsageRow::group).containsExactly("gpt-4o", "gpt-4o-mini");
            assertThat(byModel.rows().getFirst().requests()).isEqualTo(3);
            assertThat(byModel.rows().getFirst().costUsd()).isEqualTo(1.25);
            assertThat(store.usage().usage(t0, to, UsageGroupBy.PROVIDER).rows()).extracting(UsageRow::group)
                    .containsExactly("openai");
            assertThat(store.usage().usage(t0.plusSeconds(15), to, UsageGroupBy.KEY).totals().requests()).isEqualTo(2);
            assertThat(store.usage().usage(null, null, UsageGroupBy.KEY).totals().costUsd()).isEqualTo(101.75);
        }
    }

    long queryLong(String sql) throws SQLException {
        try (Connection c = store.dataSource().getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    List<String> rawRows(String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection c = store.dataSource().getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    Object v = rs.getObject(i);
                    values.add(v instanceof byte[] b ? new String(b, StandardCharsets.ISO_8859_1) : String.valueOf(v));
                }
            }
        }
        return values;
    }

    List<byte[]> rawBytes(String sql) throws SQLException {
        List<byte[]> values = new ArrayList<>();
        try (Connection c = store.dataSource().getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getBytes(1));
            }
        }
        return values;
    }
}
