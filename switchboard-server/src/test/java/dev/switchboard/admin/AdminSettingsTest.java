package dev.switchboard.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.store.repository.KeySecrets;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdminSettingsTest {
    @Test
    void acceptsSha256HexOnlyAndHidesItFromToString() {
        String hash = KeySecrets.sha256Hex("sb-admin-settings-test").toUpperCase();
        AdminSettings s = new AdminSettings(null, 8081, List.of(hash));
        assertThat(s.host()).isEqualTo("127.0.0.1");
        assertThat(s.adminKeySha256()).containsExactly(hash.toLowerCase());
        assertThat(s.toString()).doesNotContain(hash.toLowerCase()).contains("adminKeys=1");
        assertThatThrownBy(() -> new AdminSettings("0.0.0.0", 8081, List.of("sb-admin-plaintext")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("sb-admin-plaintext");
        assertThatThrownBy(() -> new AdminSettings("0.0.0.0", 70000, List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
