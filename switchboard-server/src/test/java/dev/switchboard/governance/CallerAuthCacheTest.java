package dev.switchboard.governance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.access.KeyIndex;
import dev.switchboard.config.IpRulesConfig;
import dev.switchboard.config.KeyConfig;
import dev.switchboard.config.KeyDigest;
import dev.switchboard.error.GatewayException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** M7: the digest cache keeps only values that matched a key, so unauthenticated callers cannot fill the heap. */
class CallerAuthCacheTest {
    static final String KEY = "sk-cache-test-key-0001";

    final KeyIndex keys = new KeyIndex(List.of(new KeyConfig("k", KeyDigest.sha256Hex(KEY), List.of())));
    final CallerAuth auth = new CallerAuth(() -> StoreDirectory.EMPTY, null, new NetworkGuard(IpRulesConfig.NONE, List.of()));

    static CallerRequest presenting(String value) {
        return new CallerRequest() {
            @Override
            public String header(String name) {
                return name.equals("x-api-key") ? value : null;
            }

            @Override
            public List<String> headers(String name) {
                return List.of();
            }

            @Override
            public String remoteAddress() {
                return "127.0.0.1";
            }
        };
    }

    @Test
    void wrongValuesAreNeverCached() {
        for (int i = 0; i < 2000; i++) {
            String wrong = "x".repeat(60_000) + i;
            assertThatThrownBy(() -> auth.authenticate(presenting(wrong), keys)).isInstanceOf(GatewayException.class);
        }
        assertThat(auth.cachedDigests()).isZero();
    }

    @Test
    void aMatchingKeyIsCachedOnceAndStillChecked() {
        for (int i = 0; i < 3; i++) {
            assertThat(auth.authenticate(presenting(KEY), keys).result().name()).isEqualTo("k");
        }
        assertThat(auth.cachedDigests()).isEqualTo(1);
        // a key removed from the config is refused although its digest is cached
        KeyIndex none = new KeyIndex(List.of());
        assertThatThrownBy(() -> auth.authenticate(presenting(KEY), none)).isInstanceOf(GatewayException.class);
    }
}
