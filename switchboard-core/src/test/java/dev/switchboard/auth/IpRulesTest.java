package dev.switchboard.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class IpRulesTest {

    private static byte[] ip(String literal) {
        return IpLiteral.parse(literal);
    }

    @Test
    void emptyAllowListAllowsEveryoneNotDenied() {
        IpRules rules = IpRules.parse(List.of(), List.of("192.0.2.0/24"));
        assertThat(rules.permits(ip("198.51.100.1"))).isTrue();
        assertThat(rules.permits(ip("192.0.2.9"))).isFalse();
        assertThat(IpRules.ALLOW_ALL.permits(ip("2001:db8::1"))).isTrue();
    }

    @Test
    void allowListRestrictsAndDenyWins() {
        IpRules rules = IpRules.parse(List.of("10.0.0.0/8", "2001:db8::/32"), List.of("10.6.0.0/16"));
        assertThat(rules.permits(ip("10.1.1.1"))).isTrue();
        assertThat(rules.permits(ip("2001:db8::5"))).isTrue();
        assertThat(rules.permits(ip("::ffff:10.1.1.1"))).isTrue();
        assertThat(rules.permits(ip("11.1.1.1"))).isFalse();
        assertThat(rules.permits(ip("10.6.0.1"))).isFalse();
    }

    @Test
    void policyNeedsGlobalTeamAndKeyRulesToAllPass() {
        IpPolicy policy = new IpPolicy(IpRules.parse(null, List.of("203.0.113.0/24")));
        IpRules team = IpRules.parse(List.of("10.0.0.0/8"), null);
        IpRules key = IpRules.parse(List.of("10.1.0.0/16"), null);

        assertThat(policy.check(ip("10.1.2.3"), team, key).allowed()).isTrue();
        assertThat(policy.check(ip("10.2.2.3"), team, null).allowed()).isTrue();

        IpPolicy.Decision byKey = policy.check(ip("10.2.2.3"), team, key);
        assertThat(byKey.allowed()).isFalse();
        assertThat(byKey.refusedBy()).isEqualTo(IpPolicy.Scope.KEY);
        assertThat(byKey.message()).isEqualTo("client address not allowed by key IP rules");

        assertThat(policy.check(ip("192.168.0.1"), team, key).refusedBy()).isEqualTo(IpPolicy.Scope.TEAM);
        assertThat(policy.check(ip("203.0.113.5"), null, null).refusedBy()).isEqualTo(IpPolicy.Scope.GLOBAL);
        assertThat(new IpPolicy(null).check(ip("203.0.113.5"), null, null).allowed()).isTrue();
    }
}
