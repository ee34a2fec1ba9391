package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.store.failure.StoreException;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class StoreSettingsTest {
    @Test
    void passwordIsNotPrintedAndUnknownUrlsAreRefused() {
        StoreSettings s = new StoreSettings("jdbc:postgresql://db/sb", "sb", "hunter2-secret", 8);
        assertThat(s.toString()).doesNotContain("hunter2-secret").contains("***");
        assertThat(new StoreSettings("sqlite:/tmp/x.db", null, null, 1).jdbcUrl()).isEqualTo("jdbc:sqlite:/tmp/x.db");
        assertThatThrownBy(() -> new StoreSettings("mysql://db", null, null, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unreachableDatabaseFailsWithAStoreExceptionWithoutThePassword() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        StoreSettings settings = new StoreSettings("jdbc:postgresql://localhost:" + port + "/sb", "sb",
                "hunter2-secret", 2);
        assertThatThrownBy(() -> Store.open(settings)).isInstanceOf(StoreException.class)
                .hasMessageContaining("cannot connect").hasMessageNotContaining("hunter2-secret");
    }
}
