package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.LogCapture;
import dev.switchboard.testing.RawHttp;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import dev.switchboard.server.lane.FastLane;

/**
 * Which lane serves a model call (L2): the fast lane takes the first request of a connection too, not only later
 * ones; and both lanes answer a model name with CR/LF the same way (no 500, no stack trace).
 */
class LaneChoiceIT {
    static final String CHAT = "{\"model\":\"smart\",\"messages\":[{\"role\":\"user\",\"content\":\"ping\"}]}";
    static final Duration WAIT = Duration.ofSeconds(5);

    static FakeUpstream upstream;
    static GatewayFixture lane;
    static GatewayFixture vertx;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        lane = GatewayFixture.openAi(upstream);
        vertx = GatewayFixture.withYaml(GatewayFixture.defaultYaml(upstream, "").replace("event_loops: 1 }",
                "event_loops: 1, fast_lane: false }"));
    }

    @AfterAll
    static void stop() {
        vertx.close();
        lane.close();
        upstream.close();
    }

    @Test
    void theFirstRequestOfAConnectionTakesTheFastLane() {
        org.junit.jupiter.api.Assumptions.assumeFalse("false".equals(System.getProperty("switchboard.test.fastLane")),
                "the lane is off in this run");
        long before = FastLane.served();
        try (RawHttp raw = RawHttp.connect(lane.port())) {
            raw.write(RawHttp.post("/v1/chat/completions", CHAT));
            assertThat(raw.readResponse(WAIT).status()).isEqualTo(200);
            assertThat(FastLane.served()).isEqualTo(before + 1);
            raw.write(RawHttp.post("/v1/chat/completions", CHAT));
            assertThat(raw.readResponse(WAIT).status()).isEqualTo(200);
            assertThat(FastLane.served()).isEqualTo(before + 2);
        }
    }

    @Test
    void aStreamsFirstEventIsNotHeldOnTheFirstOrALaterRequest() {
        String event = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"},\"finish_reason\":null}]}\n\n";
        String stream = CHAT.replace("}]}", "}],\"stream\":true}");
        for (GatewayFixture g : new GatewayFixture[] {lane, vertx}) {
            try (RawHttp raw = RawHttp.connect(g.port())) {
                for (int i = 0; i < 2; i++) {
                    upstream.enqueue(upstream.rawStream(java.util.List.of(event, event, "data: [DONE]\n\n"), Duration.ofMillis(1500)));
                    long start = System.nanoTime();
                    raw.write(RawHttp.post("/v1/chat/completions", stream));
                    raw.readUntil("\"x\"", Duration.ofSeconds(5));
                    long firstMillis = (System.nanoTime() - start) / 1_000_000;
                    assertThat(firstMillis).as("first event, request %d on %s", i, g == lane ? "lane" : "vertx").isLessThan(1200);
                    raw.readUntil("0\r\n\r\n", Duration.ofSeconds(10));
                }
            }
        }
    }

    @Test
    void vertxLaneServesWhenTheFastLaneIsOff() {
        long before = FastLane.served();
        try (RawHttp raw = RawHttp.connect(vertx.port())) {
            raw.write(RawHttp.post("/v1/chat/completions", CHAT));
            assertThat(raw.readResponse(WAIT).status()).isEqualTo(200);
        }
        assertThat(FastLane.served()).isEqualTo(before);
    }

    @Test
    void aModelNameWithCrLfIsAnsweredTheSameOnBothLanes() {
        String chat = CHAT.replace("smart", "fake/gpt-4o\\r\\nX-Injected: 1");
        try (LogCapture logs = LogCapture.start()) {
            int[] statuses = new int[2];
            int i = 0;
            for (GatewayFixture g : new GatewayFixture[] {lane, vertx}) {
                try (RawHttp raw = RawHttp.connect(g.port())) {
                    raw.write(RawHttp.post("/v1/chat/completions", chat));
                    RawHttp.Response r = raw.readResponse(WAIT);
                    assertThat(r.status()).isLessThan(500);
                    assertThat(r.header("x-injected")).isNull();
                    statuses[i++] = r.status();
                }
            }
            assertThat(statuses[1]).isEqualTo(statuses[0]);
            assertThat(logs.text()).doesNotContain("ERROR").doesNotContain("validateCrLf");
        }
    }
}
