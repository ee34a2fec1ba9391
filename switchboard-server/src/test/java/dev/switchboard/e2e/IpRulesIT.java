package dev.switchboard.e2e;

import static dev.switchboard.testing.ErrorBodies.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.GovHttp;
import dev.switchboard.testing.LogCapture;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * IP rules through real gateways (the test connects from 127.0.0.1): a global deny, key allow lists, IPv6 CIDRs
 * matched against the address a trusted proxy forwarded, a spoofed leftmost X-Forwarded-For entry, and
 * X-Forwarded-For from a peer that is not a trusted proxy.
 */
class IpRulesIT {
    static final String OFFICE = "sk-office-key-0001";
    static final String V6 = "sk-ipv6-key-0002";
    static final String OPEN = "sk-open-key-0003";
    static final String LOCAL = "sk-local-key-0004";
    static final List<String> SECRETS = List.of(OFFICE, V6, OPEN, LOCAL, GatewayFixture.UPSTREAM_KEY, GatewayFixture.KEY);

    static FakeUpstream upstream;
    static GatewayFixture denyLocal;
    static GatewayFixture behindProxy;
    static GatewayFixture direct;
    static LogCapture logs;

    @BeforeAll
    static void start() {
        logs = LogCapture.start();
        upstream = FakeUpstream.start();
        denyLocal = GatewayFixture.withYaml(yaml("network: { deny: [127.0.0.1/32] }"));
        behindProxy = GatewayFixture.withYaml(yaml(
                "network: { trusted_proxies: [127.0.0.1/32], deny: [\"2001:db8:dead::/48\"] }"));
        direct = GatewayFixture.withYaml(yaml("network: { trusted_proxies: [192.0.2.0/24] }"));
    }

    static String yaml(String network) {
        return """
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                %s
                providers:
                  - { name: fake, type: openai, base_url: %s, api_key: %s }
                keys:
                  - { name: office, key: %s, ip: { allow: [10.0.0.0/8] } }
                  - { name: v6, key: %s, ip: { allow: ["2001:db8::/32"], deny: ["2001:db8:bad::/48"] } }
                  - { name: open, key: %s }
                  - { name: local, key: %s, ip: { allow: [127.0.0.1/32] } }
                """.formatted(network, upstream.baseUrl(), GatewayFixture.UPSTREAM_KEY, OFFICE, V6, OPEN, LOCAL);
    }

    @AfterAll
    static void stop() {
        for (GatewayFixture g : new GatewayFixture[] {denyLocal, behindProxy, direct}) {
            if (g != null) {
                g.close();
            }
        }
        upstream.close();
        logs.close();
    }

    @AfterEach
    void noSecretsLogged() {
        logs.assertContainsNone(SECRETS);
    }

    static HttpResponse<String> call(GatewayFixture gw, String key, String... headers) {
        HttpResponse<String> res = GovHttp.chat(gw, key, "fake/gpt-4o", headers);
        GovHttp.assertNoSecretIn(res, SECRETS);
        return res;
    }

    static void assertRefused(HttpResponse<String> res) {
        assertError(res, 403, "permission_error", "ip_not_allowed");
    }

    @Test
    void aGlobalDenyOfTheLoopbackRefusesEveryKey() {
        assertRefused(call(denyLocal, OPEN));
        assertRefused(call(denyLocal, LOCAL));
    }

    @Test
    void aKeyAllowListAdmitsOnlyItsNetwork() {
        assertThat(call(behindProxy, OFFICE, "X-Forwarded-For", "10.1.2.3").statusCode()).isEqualTo(200);
        assertRefused(call(behindProxy, OFFICE, "X-Forwarded-For", "192.168.1.1"));
        assertRefused(call(behindProxy, OFFICE)); // no header: the proxy itself, 127.0.0.1
        assertThat(call(behindProxy, OPEN, "X-Forwarded-For", "192.168.1.1").statusCode()).isEqualTo(200);
    }

    @Test
    void ipv6RulesMatchTheForwardedAddress() {
        assertThat(call(behindProxy, V6, "X-Forwarded-For", "2001:db8::5").statusCode()).isEqualTo(200);
        assertRefused(call(behindProxy, V6, "X-Forwarded-For", "2001:db9::5"));
        assertRefused(call(behindProxy, V6, "X-Forwarded-For", "2001:db8:bad::7"));
        assertRefused(call(behindProxy, OPEN, "X-Forwarded-For", "2001:db8:dead::1")); // global IPv6 deny
        assertThat(call(behindProxy, OPEN, "X-Forwarded-For", "2001:db8:beef::1").statusCode()).isEqualTo(200);
    }

    @Test
    void aSpoofedLeftmostForwardedEntryIsIgnored() {
        // the client wrote the first entry itself; the trusted proxy appended the real address last
        assertRefused(call(behindProxy, OFFICE, "X-Forwarded-For", "10.1.2.3, 203.0.113.9"));
        assertThat(call(behindProxy, OFFICE, "X-Forwarded-For", "203.0.113.9, 10.1.2.3").statusCode()).isEqualTo(200);
    }

    @Test
    void forwardedForFromAnUntrustedPeerIsIgnored() {
        assertRefused(call(direct, OFFICE, "X-Forwarded-For", "10.1.2.3"));
        assertThat(call(direct, LOCAL, "X-Forwarded-For", "10.9.9.9").statusCode()).isEqualTo(200);
    }
}
