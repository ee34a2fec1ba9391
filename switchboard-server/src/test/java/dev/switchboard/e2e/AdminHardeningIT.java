package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.store.Store;
import dev.switchboard.store.StoreSettings;
import dev.switchboard.store.repository.AccessPolicy;
import dev.switchboard.store.repository.NewKey;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.LogCapture;
import io.vertx.core.net.SelfSignedCertificate;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API over real sockets: a TLS-only listener when {@code admin.tls} is set, peers outside
 * {@code admin.allow} refused before their key is looked at, and a peer that keeps guessing keys throttled with 429
 * and retry-after (even once it presents the right key).
 */
class AdminHardeningIT {
    static final String ADMIN_KEY = "sk-admin-hardening-0123456789abcdef";

    @TempDir
    Path dir;

    GatewayFixture gateway(String adminExtra) {
        return GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1, drain_timeout: 1s }
                providers: [ { name: demo, type: demo } ]
                store: { url: "sqlite:%s" }
                admin: { listen: "127.0.0.1:0", keys: [ { name: ops, key: %s } ]%s }
                """.formatted(dir.resolve("store.db"), ADMIN_KEY, adminExtra));
    }

    static HttpResponse<String> get(HttpClient http, String url, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET();
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Status of a GET over TLS, trusting the test's self-signed certificate. */
    static int tlsGet(String url, String key) throws Exception {
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        HttpsURLConnection c = (HttpsURLConnection) URI.create(url).toURL().openConnection();
        c.setSSLSocketFactory(ssl.getSocketFactory());
        c.setHostnameVerifier((host, session) -> true);
        c.setConnectTimeout(5000);
        c.setReadTimeout(10000);
        c.setRequestProperty("Authorization", "Bearer " + key);
        try {
            return c.getResponseCode();
        } finally {
            c.disconnect();
        }
    }

    /** What a plain-HTTP client gets from the port: never an HTTP answer from a TLS listener. */
    static String plainGet(int port) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(1000);
            s.getOutputStream().write(("GET /admin/keys HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + ADMIN_KEY
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] buf = new byte[64];
            int n;
            try {
                n = s.getInputStream().read(buf);
            } catch (java.net.SocketTimeoutException | java.net.SocketException e) {
                return "";
            }
            return n <= 0 ? "" : new String(buf, 0, n, StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void withTlsTheAdminApiSpeaksOnlyTls() throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
        try (LogCapture logs = LogCapture.start();
                GatewayFixture gw = gateway(", tls: { cert: \"" + cert.certificatePath() + "\", key: \""
                        + cert.privateKeyPath() + "\" }")) {
            int port = gw.gateway().adminPort();
            assertThat(tlsGet("https://127.0.0.1:" + port + "/admin/keys", ADMIN_KEY)).isEqualTo(200);
            assertThat(tlsGet("https://127.0.0.1:" + port + "/admin/keys", "wrong")).isEqualTo(401);
            assertThat(plainGet(port)).doesNotStartWith("HTTP/");
            assertThat(logs.text()).contains("TLS");
            logs.assertContainsNone(List.of(ADMIN_KEY));
        } finally {
            cert.delete();
        }
    }

    @Test
    void peersOutsideTheAllowListAreRefusedBeforeTheirKeyIsChecked() throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try (GatewayFixture gw = gateway(", allow: [10.0.0.0/8]")) {
            String url = "http://127.0.0.1:" + gw.gateway().adminPort() + "/admin/keys";
            HttpResponse<String> refused = get(http, url, ADMIN_KEY);
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.body()).contains("ip_not_allowed");
            // a refused network does not even count towards the failed-login throttle, nor learn 401 vs 403
            assertThat(get(http, url, "wrong").statusCode()).isEqualTo(403);
        }
    }

    @Test
    void aPeerGuessingKeysIsThrottled() throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try (GatewayFixture gw = gateway(", allow: [127.0.0.1/32]")) {
            String url = "http://127.0.0.1:" + gw.gateway().adminPort() + "/admin/keys";
            assertThat(get(http, url, ADMIN_KEY).statusCode()).as("inside admin.allow").isEqualTo(200);
            for (int i = 0; i < 10; i++) {
                assertThat(get(http, url, "sk-guess-" + i).statusCode()).as("guess %d", i).isEqualTo(401);
            }
            HttpResponse<String> throttled = get(http, url, "sk-guess-11");
            assertThat(throttled.statusCode()).isEqualTo(429);
            assertThat(throttled.body()).contains("too_many_failed_logins");
            long retryAfter = Long.parseLong(throttled.headers().firstValue("retry-after").orElseThrow());
            assertThat(retryAfter).isBetween(1L, 60L);
            // while throttled even the right key waits: the guesser cannot tell a hit
            assertThat(get(http, url, ADMIN_KEY).statusCode()).isEqualTo(429);
        }
    }

    @Test
    void anAdminKeyThatIsAStoreClientKeyIsRefusedAtStartup() {
        String clientKey;
        try (Store store = Store.open(new StoreSettings("sqlite:" + dir.resolve("store.db"), null, null, 1))) {
            clientKey = store.keys().createKey("test", new NewKey("app", null, null, AccessPolicy.OPEN)).secret();
        }
        String yaml = """
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1, drain_timeout: 1s }
                providers: [ { name: demo, type: demo } ]
                store: { url: "sqlite:%s" }
                admin: { listen: "127.0.0.1:0", keys: [ { name: ops, key: %s } ] }
                """.formatted(dir.resolve("store.db"), clientKey);
        assertThatThrownBy(() -> GatewayFixture.withYaml(yaml).close())
                .hasMessageContaining("also a client key").hasMessageNotContaining(clientKey);
    }
}
