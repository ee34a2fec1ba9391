package dev.switchboard.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressTest {
    private static final CidrSet PROXIES = CidrSet.parse(List.of("10.0.0.0/8", "fd00::/8"));

    private static String resolve(String peer, List<String> xff) {
        return ClientAddress.resolve(peer, xff, PROXIES).text();
    }

    @Test
    void withoutForwardedForThePeerIsTheClient() {
        assertThat(resolve("198.51.100.7", null)).isEqualTo("198.51.100.7");
        assertThat(resolve("10.0.0.2", List.of())).isEqualTo("10.0.0.2");
    }

    @Test
    void untrustedPeersForwardedForIsIgnored() {
        assertThat(resolve("198.51.100.7", List.of("203.0.113.9"))).isEqualTo("198.51.100.7");
        assertThat(ClientAddress.resolve("10.0.0.2", List.of("203.0.113.9"), CidrSet.EMPTY).text())
                .isEqualTo("10.0.0.2");
    }

    @Test
    void trustedPeerIsHonoured() {
        assertThat(resolve("10.0.0.2", List.of("203.0.113.9"))).isEqualTo("203.0.113.9");
        assertThat(resolve("10.0.0.2", List.of("2001:db8::9"))).isEqualTo("2001:db8:0:0:0:0:0:9");
    }

    @Test
    void spoofedLeftmostEntriesAreIgnored() {
        // The client sent "X-Forwarded-For: 1.2.3.4"; our proxy appended the real address.
        assertThat(resolve("10.0.0.2", List.of("1.2.3.4, 203.0.113.9"))).isEqualTo("203.0.113.9");
        assertThat(resolve("10.0.0.2", List.of("1.2.3.4", "203.0.113.9"))).isEqualTo("203.0.113.9");
    }

    @Test
    void chainsOfTrustedProxiesAreWalkedFromTheRight() {
        assertThat(resolve("10.0.0.2", List.of("6.6.6.6, 203.0.113.9, 10.1.1.1, 10.2.2.2")))
                .isEqualTo("203.0.113.9");
        assertThat(resolve("10.0.0.2", List.of("203.0.113.9, fd00::5"))).isEqualTo("203.0.113.9");
    }

    @Test
    void allTrustedHopsLeaveTheFarthestOne() {
        assertThat(resolve("10.0.0.2", List.of("10.9.9.9, 10.1.1.1"))).isEqualTo("10.9.9.9");
    }

    @Test
    void malformedEntryStopsAtTheLastTrustedHop() {
        assertThat(resolve("10.0.0.2", List.of("garbage"))).isEqualTo("10.0.0.2");
        assertThat(resolve("10.0.0.2", List.of("203.0.113.9, unknown, 10.1.1.1"))).isEqualTo("10.1.1.1");
        assertThat(resolve("10.0.0.2", List.of("203.0.113.9, , 10.1.1.1"))).isEqualTo("10.1.1.1");
        assertThat(resolve("10.0.0.2", List.of("evil.example.com"))).isEqualTo("10.0.0.2");
    }

    @Test
    void portsAndBracketsAreUnderstood() {
        assertThat(resolve("10.0.0.2", List.of("203.0.113.9:51234"))).isEqualTo("203.0.113.9");
        assertThat(resolve("10.0.0.2", List.of("[2001:db8::9]:443"))).isEqualTo("2001:db8:0:0:0:0:0:9");
        assertThat(resolve("10.0.0.2", List.of("[2001:db8::9]"))).isEqualTo("2001:db8:0:0:0:0:0:9");
        assertThat(resolve("10.0.0.2", List.of("203.0.113.9:http"))).isEqualTo("10.0.0.2");
    }

    @Test
    void mappedPeerAddressesCountAsIpv4() {
        assertThat(resolve("::ffff:10.0.0.2", List.of("203.0.113.9"))).isEqualTo("203.0.113.9");
        assertThat(resolve("10.0.0.2", List.of("::ffff:203.0.113.9"))).isEqualTo("203.0.113.9");
    }

    @Test
    void aPeerThatIsNoAddressIsAnError() {
        assertThatThrownBy(() -> resolve("not-an-ip", List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
