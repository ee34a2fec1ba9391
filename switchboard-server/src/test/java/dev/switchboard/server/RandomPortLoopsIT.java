package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.RawHttp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code listen: host:0} with several event loops: every loop's server shares the one random port (before, the
 * second loop tried to bind the first one's port and the gateway did not start: "Address already in use").
 */
class RandomPortLoopsIT {
    static final String CHAT = "{\"model\":\"smart\",\"messages\":[{\"role\":\"user\",\"content\":\"ping\"}]}";

    @Test
    void aRandomPortIsSharedByEveryEventLoop() {
        try (FakeUpstream upstream = FakeUpstream.start();
             GatewayFixture gw = GatewayFixture.withYaml(GatewayFixture.defaultYaml(upstream, "")
                     .replace("event_loops: 1 }", "event_loops: 3 }"))) {
            assertThat(gw.port()).isPositive();
            List<RawHttp> connections = new ArrayList<>();
            try {
                for (int i = 0; i < 9; i++) { // accepted connections are spread over the loops
                    RawHttp raw = RawHttp.connect(gw.port());
                    connections.add(raw);
                    raw.write(RawHttp.post("/v1/chat/completions", CHAT));
                    assertThat(raw.readResponse(Duration.ofSeconds(5)).status()).isEqualTo(200);
                }
            } finally {
                connections.forEach(RawHttp::close);
            }
        }
    }
}
