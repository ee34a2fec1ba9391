package dev.switchboard.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.access.ClientKey;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IdentityTest {
    @Test
    void aTokenWithAnEmptyModelListMayUseNoModelWhateverTheName() {
        ClientKey key = new Identity("svc", null, Map.of(), List.of()).toClientKey(null);
        for (String model : List.of("\0", "x/y", "smart", "*", "")) {
            assertThat(key.mayUse(model)).as("'%s'", model).isFalse();
        }
    }

    @Test
    void aTokenWithoutAModelListGetsTheUnrestrictedPolicy() {
        assertThat(new Identity("svc", null, Map.of(), null).toClientKey(null).mayUse("x/y")).isTrue();
        assertThat(new Identity("svc", null, Map.of(), List.of("x/*")).toClientKey(null).mayUse("x/y")).isTrue();
    }
}
