package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.store.Store;
import dev.switchboard.store.StoreSettings;
import dev.switchboard.store.repository.AccessPolicy;
import dev.switchboard.store.repository.CreatedKey;
import dev.switchboard.store.repository.NewKey;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.GovHttp;
import dev.switchboard.testing.LogCapture;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway on PostgreSQL rides out a database outage: store keys loaded before it keep authenticating, and every
 * request served while the database is down reaches the {@code usage} table once it is back.
 */
class StoreOutageIT {
    static final Duration GENEROUS = Duration.ofSeconds(90);

    @TempDir
    static Path dir;
    static int port;
    static EmbeddedPostgres pg;
    static FakeUpstream upstream;
    static LogCapture logs;

    @BeforeAll
    static void start() throws Exception {
        logs = LogCapture.start();
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        pg = startPostgres();
        upstream = FakeUpstream.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (pg != null) {
            pg.close();
        }
        upstream.close();
        logs.close();
    }

    /** The same data directory and port each time, so a restart is the same database coming back. */
    static EmbeddedPostgres startPostgres() throws Exception {
        return EmbeddedPostgres.builder().setPort(port).setDataDirectory(dir.resolve("pgdata"))
                .setCleanDataDirectory(false).start();
    }

    static String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    @Test
    void storeKeysKeepWorkingAndNoUsageIsLostDuringAnOutage() throws Exception {
        try (Store store = Store.open(new StoreSettings(jdbcUrl(), "postgres", "postgres", 2));
                GatewayFixture gw = GatewayFixture.withYaml("""
                        version: 1
                        server: { listen: 127.0.0.1:0, event_loops: 1 }
                        store: { url: "%s", user: postgres, password: postgres, pool_size: 2,
                                 usage_journal: "%s", key_refresh: 100ms }
                        providers:
                          - { name: fake, type: openai, base_url: %s, api_key: %s }
                        keys:
                          - { name: tester, key: %s }
                        """.formatted(jdbcUrl(), dir.resolve("usage.journal"), upstream.baseUrl(),
                        GatewayFixture.UPSTREAM_KEY, GatewayFixture.KEY))) {
            CreatedKey k = store.keys().createKey("admin", new NewKey("svc-pg", null, null, AccessPolicy.OPEN));
            List<String> secrets = List.of(k.secret(), GatewayFixture.KEY, GatewayFixture.UPSTREAM_KEY);
            HttpResponse<String> first = GovHttp.awaitStatus(200, Duration.ofSeconds(15),
                    () -> GovHttp.chat(gw, k.secret(), "fake/gpt-4o"));
            List<String> ids = new ArrayList<>(List.of(requestId(first)));

            pg.close();
            pg = null;
            Thread.sleep(500); // let the key refresh notice the outage
            for (int i = 0; i < 20; i++) {
                HttpResponse<String> res = GovHttp.chat(gw, i % 4 == 3 ? GatewayFixture.KEY : k.secret(), "fake/gpt-4o");
                assertThat(res.statusCode()).as("request %d during the outage: %s", i, res.body()).isEqualTo(200);
                GovHttp.assertNoSecretIn(res, secrets);
                ids.add(requestId(res));
            }
            assertThat(ids).doesNotHaveDuplicates();
            Thread.sleep(3_500); // longer than the store's connection timeout: unguarded polls would have piled up
            assertThat(workersWaitingForTheDatabase())
                    .as("key refresh polls waiting on the database at once (they must not pile up on the worker pool)")
                    .isLessThanOrEqualTo(1);

            pg = startPostgres();
            GovHttp.await("all " + ids.size() + " usage rows in PostgreSQL", GENEROUS, () -> count(store, ids) == ids.size());

            Map<String, Long> byKey = keyNames(store, ids);
            assertThat(byKey).containsEntry("svc-pg", 16L).containsEntry("tester", 5L);
            // the store is followed again: a key created after the outage authenticates
            CreatedKey later = store.keys().createKey("admin", new NewKey("svc-after", null, null, AccessPolicy.OPEN));
            GovHttp.awaitStatus(200, Duration.ofSeconds(20), () -> GovHttp.chat(gw, later.secret(), "fake/gpt-4o"));
            logs.assertContainsNone(List.of(k.secret(), later.secret(), GatewayFixture.KEY, GatewayFixture.UPSTREAM_KEY,
                    "password=postgres"));
        }
    }

    /** Vert.x worker threads currently blocked in the store's connection pool. */
    static long workersWaitingForTheDatabase() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> e.getKey().getName().startsWith("vert.x-worker-thread"))
                .filter(e -> Arrays.stream(e.getValue()).anyMatch(f -> f.getClassName().contains("HikariPool")
                        && f.getMethodName().equals("getConnection")))
                .count();
    }

    static String requestId(HttpResponse<String> res) {
        return res.headers().firstValue("x-request-id").orElseThrow();
    }

    static int count(Store store, List<String> ids) {
        try (Connection c = store.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM usage WHERE request_id = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("text", ids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (Exception e) {
            return -1; // the database is still coming back
        }
    }

    static Map<String, Long> keyNames(Store store, List<String> ids) throws Exception {
        List<String> names = new ArrayList<>();
        try (Connection c = store.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT key_name FROM usage WHERE request_id = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("text", ids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names.stream().collect(Collectors.groupingBy(n -> n, Collectors.counting()));
    }
}
