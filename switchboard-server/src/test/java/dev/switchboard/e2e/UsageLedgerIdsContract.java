package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.store.Store;
import dev.switchboard.store.StoreSettings;
import dev.switchboard.store.ledger.UsageGroupBy;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.GovHttp;
import dev.switchboard.testing.LogCapture;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The usage ledger through a real gateway and a real store: its rows are keyed by the gateway's own request id, so
 * a caller repeating or guessing ids cannot make rows disappear (its own or another key's); a NUL in the model does
 * not stop the ledger; client text in the access log cannot forge lines.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class UsageLedgerIdsContract {
    static final String VICTIM = "sk-victim-key-0001";
    static final String ATTACKER = "sk-attacker-key-0002";
    static final Duration WAIT = Duration.ofSeconds(30);

    Path dir;
    FakeUpstream upstream;
    GatewayFixture gateway;
    Store store;

    /** The {@code store:} entry's url/user/password part, e.g. {@code url: "sqlite:/x.db"}. */
    abstract String storeYaml(Path dir) throws Exception;

    abstract StoreSettings storeSettings(Path dir);

    void stopDatabase() throws Exception {}

    @BeforeAll
    void start() throws Exception {
        dir = java.nio.file.Files.createTempDirectory("usage-ledger-ids");
        upstream = FakeUpstream.start();
        String storeEntry = storeYaml(dir);
        gateway = GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                store: { %s, usage_journal: "%s", key_refresh: 100ms }
                providers:
                  - { name: fake, type: openai, base_url: %s, api_key: %s }
                models:
                  - { name: smart, target: fake/gpt-4o }
                keys:
                  - { name: victim, key: %s }
                  - { name: attacker, key: %s, models: [smart] }
                """.formatted(storeEntry, dir.resolve("usage.journal"), upstream.baseUrl(), GatewayFixture.UPSTREAM_KEY,
                VICTIM, ATTACKER));
        store = Store.open(storeSettings(dir));
    }

    @AfterAll
    void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (store != null) {
            store.close();
        }
        upstream.close();
        stopDatabase();
        try (var files = java.nio.file.Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void threeCallsWithTheSameCallerIdLeaveThreeRows() {
        List<String> gatewayIds = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> res = GovHttp.chat(gateway, VICTIM, "smart", "x-request-id", "victim-req-42");
            assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
            assertThat(res.headers().firstValue("x-request-id")).as("the caller's id is echoed").hasValue("victim-req-42");
            gatewayIds.add(res.headers().firstValue("x-switchboard-request-id").orElseThrow());
        }
        assertThat(gatewayIds).doesNotHaveDuplicates().doesNotContain("victim-req-42");

        GovHttp.await("3 rows", WAIT, () -> rows(gatewayIds).size() == 3);
        assertThat(rows(gatewayIds).values()).allSatisfy(r -> assertThat(r).startsWith("victim|victim-req-42|200|"));
        assertThat(store.usage().usage(null, null, UsageGroupBy.KEY, null, "victim-req-42").totals().requests())
                .isEqualTo(3);
        assertThat(store.usage().usage(null, null, UsageGroupBy.KEY, gatewayIds.get(1), null).totals().requests())
                .isEqualTo(1);
    }

    @Test
    void idsClaimedAheadByAnotherKeyDoNotEraseTheVictimsRows() {
        // the attacker learns the gateway's current id, then sends ids it expects the next requests to get
        HttpResponse<String> probe = GovHttp.chat(gateway, ATTACKER, "nope/none");
        assertThat(probe.statusCode()).isEqualTo(403); // the attacker's key may use only 'smart'; 403 before any lookup
        String seen = probe.headers().firstValue("x-request-id").orElseThrow();
        String prefix = seen.substring(0, seen.lastIndexOf('_') + 1);
        long counter = Long.parseLong(seen.substring(prefix.length()), 36);
        List<String> claimed = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            claimed.add(prefix + Long.toString(counter + i, 36));
        }
        List<String> attackerIds = new ArrayList<>(List.of(seen));
        for (int i = 0; i < claimed.size(); i += 2) { // five requests, each claiming two upcoming ids
            for (String id : List.of(claimed.get(i), claimed.get(i + 1))) {
                HttpResponse<String> res = GovHttp.chat(gateway, ATTACKER, "nope/none", "x-request-id", id);
                assertThat(res.statusCode()).isEqualTo(403);
                attackerIds.add(res.headers().firstValue("x-switchboard-request-id").orElseThrow());
            }
        }

        List<String> victimIds = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> res = GovHttp.chat(gateway, VICTIM, "smart");
            assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
            victimIds.add(res.headers().firstValue("x-request-id").orElseThrow());
        }

        GovHttp.await("the victim's 3 rows", WAIT, () -> rows(victimIds).size() == 3);
        assertThat(rows(victimIds).values()).allSatisfy(r -> assertThat(r).startsWith("victim|null|200|"));
        GovHttp.await("the attacker's 11 rows", WAIT, () -> rows(attackerIds).size() == 11);
        assertThat(rows(attackerIds).values()).allSatisfy(r -> assertThat(r).startsWith("attacker|"));
        // a row keyed by an id the attacker sent exists only where the gateway itself gave that id to its request
        assertThat(attackerIds).containsAll(rows(claimed).keySet());
    }

    @Test
    void aNulInTheModelDoesNotStopTheLedger() {
        // the victim's key may use any model: the name is looked up (and not found) rather than refused by policy
        HttpResponse<String> poison = gateway.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + VICTIM).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"nope\\u0000\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build());
        assertThat(poison.statusCode()).as(poison.body()).isEqualTo(404);
        HttpResponse<String> forbidden = GovHttp.chat(gateway, ATTACKER, "fake/gpt-4o\\u0000\\r\\nx");
        assertThat(forbidden.statusCode()).as(forbidden.body()).isIn(403, 404);
        List<String> ids = new ArrayList<>(List.of(poison.headers().firstValue("x-request-id").orElseThrow(),
                forbidden.headers().firstValue("x-request-id").orElseThrow()));
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> res = GovHttp.chat(gateway, VICTIM, "smart");
            assertThat(res.statusCode()).isEqualTo(200);
            ids.add(res.headers().firstValue("x-request-id").orElseThrow());
        }

        GovHttp.await("all 5 rows, the poisoned ones included", WAIT, () -> rows(ids).size() == 5);
        assertThat(models(ids.subList(0, 2))).as("validation failures record no raw client text")
                .allSatisfy(m -> assertThat(m).doesNotContain("\u0000").doesNotContain("\r").hasSizeLessThan(257));
        assertThat(models(ids.subList(0, 1))).containsExactly("(unknown)");
    }

    @Test
    void clientTextCannotForgeAccessLogLines() {
        try (LogCapture logs = LogCapture.start()) {
            HttpResponse<String> res = GovHttp.chat(gateway, VICTIM, "fake/a\\r\\nX-Injected: 1 " + "x".repeat(5000));
            String id = res.headers().firstValue("x-request-id").orElseThrow();
            GovHttp.await("the access log line", WAIT, () -> logs.text().contains(id + " POST"));
            String text = logs.text();
            assertThat(text.lines()).noneMatch(l -> l.startsWith("X-Injected"));
            String line = text.lines().filter(l -> l.contains(id + " POST")).findFirst().orElseThrow();
            // the name is refused before routing (400), so the line names no model; LogTextTest covers the escaping
            assertThat(res.statusCode()).isEqualTo(400);
            assertThat(line).doesNotContain("X-Injected").hasSizeLessThan(2000);
        }
    }

    /** request id -> "key|client id|status|model" for the rows present. */
    Map<String, String> rows(List<String> ids) {
        Map<String, String> out = new LinkedHashMap<>();
        try (Connection c = store.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT request_id, key_name, client_request_id, status, model FROM usage WHERE request_id = ?")) {
            for (String id : ids) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        out.put(rs.getString(1), rs.getString(2) + "|" + rs.getString(3) + "|" + rs.getInt(4) + "|"
                                + rs.getString(5));
                    }
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    List<String> models(List<String> ids) {
        return rows(ids).values().stream().map(r -> r.substring(r.lastIndexOf('|') + 1)).toList();
    }
}
