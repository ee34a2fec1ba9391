package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.SseEvents;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Event-stream framing through the gateway: the upstream writes awkwardly split bytes (each piece its own
 * write, a few ms apart) and the client must receive the same events in canonical framing.
 */
class SseFramingIT {
    static final String STREAM_CHAT = "{\"model\":\"smart\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    static FakeUpstream upstream;
    static GatewayFixture gateway;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = GatewayFixture.openAi(upstream);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void clear() {
        upstream.reset();
    }

    /** Writes these byte pieces as separate writes, {@code gap} apart, then ends the response. */
    static FakeUpstream.Behavior pieces(List<byte[]> pieces) {
        return (req, b) -> {
            HttpServerResponse res = req.response().setChunked(true).putHeader("content-type", "text/event-stream");
            writeFrom(res, pieces, 0);
        };
    }

    private static void writeFrom(HttpServerResponse res, List<byte[]> pieces, int i) {
        if (res.closed()) {
            return;
        }
        if (i == pieces.size()) {
            res.end();
            return;
        }
        res.write(Buffer.buffer(pieces.get(i)));
        upstream.vertx().setTimer(5, id -> writeFrom(res, pieces, i + 1));
    }

    /** Splits text's UTF-8 bytes at these byte offsets. */
    static List<byte[]> splitAt(String text, int... offsets) {
        byte[] all = text.getBytes(StandardCharsets.UTF_8);
        List<byte[]> out = new ArrayList<>();
        int from = 0;
        for (int at : offsets) {
            out.add(Arrays.copyOfRange(all, from, at));
            from = at;
        }
        out.add(Arrays.copyOfRange(all, from, all.length));
        return out;
    }

    private static String relay(List<byte[]> upstreamPieces) {
        upstream.enqueue(pieces(upstreamPieces));
        return send();
    }

    /** Through FakeUpstream.rawStream: each string is one write, 5 ms apart. */
    private static String relayText(String... writes) {
        upstream.enqueue(upstream.rawStream(List.of(writes), Duration.ofMillis(5)));
        return send();
    }

    private static String send() {
        HttpResponse<String> r = gateway.post("/v1/chat/completions", STREAM_CHAT);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    @Test
    void eventsSplitMidLineAndBetweenLinesArriveWhole() {
        String a = SseEvents.chunk("Hello");
        String b = SseEvents.chunk(" world");
        String wire = "data: " + a + "\n\ndata: " + b + "\n\ndata: [DONE]\n\n";
        int mid = wire.indexOf("Hello") + 2;
        List<byte[]> split = splitAt(wire, 2, mid, wire.indexOf("\n\ndata: {") + 1, wire.indexOf("[DONE]") + 3);
        assertThat(relay(split)).isEqualTo(wire);
    }

    @Test
    void oneByteAtATimeArrivesWhole() {
        String wire = "data: " + SseEvents.chunk("tiny") + "\n\ndata: [DONE]\n\n";
        byte[] bytes = wire.getBytes(StandardCharsets.UTF_8);
        List<byte[]> single = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            single.add(new byte[] {bytes[i]});
        }
        single.add(Arrays.copyOfRange(bytes, 40, bytes.length));
        assertThat(relay(single)).isEqualTo(wire);
    }

    @Test
    void utf8CharactersSplitAcrossWritesArriveIntact() {
        String text = "café 😀 日本";
        String wire = "data: " + SseEvents.chunk(text) + "\n\ndata: [DONE]\n\n";
        byte[] bytes = wire.getBytes(StandardCharsets.UTF_8);
        int e = indexOf(bytes, "é".getBytes(StandardCharsets.UTF_8));
        int smiley = indexOf(bytes, "😀".getBytes(StandardCharsets.UTF_8));
        int nichi = indexOf(bytes, "日".getBytes(StandardCharsets.UTF_8));
        // Inside the 2-byte é, after 1 and after 3 bytes of the 4-byte emoji, inside the 3-byte 日.
        List<byte[]> split = splitAt(wire, e + 1, smiley + 1, smiley + 3, nichi + 2);
        assertThat(split.get(0)[split.get(0).length - 1] & 0xff).isEqualTo(0xC3);
        String out = relay(split);
        assertThat(out).isEqualTo(wire);
        assertThat(SseEvents.data(out).get(0)).contains(text).doesNotContain("\uFFFD");
    }

    @Test
    void crlfAndCrLineEndingsAreNormalised() {
        String a = SseEvents.chunk("crlf");
        String b = SseEvents.chunk("cr");
        // CRLF framing with the CR and LF in different writes, then bare-CR framing.
        assertThat(relayText("data: " + a + "\r", "\n\r", "\n", "data: " + b + "\r\r", "data: [DONE]\r\n\r\n"))
                .isEqualTo("data: " + a + "\n\ndata: " + b + "\n\ndata: [DONE]\n\n");
    }

    @Test
    void commentLinesAreNotEventsAndDoNotBreakOnes() {
        String a = SseEvents.chunk("after comments");
        assertThat(relayText(": OPENROUTER PROCESSING\n\n", ":keep-alive\n", "data: " + a + "\n: inside an event\n\n",
                ": ping\n\ndata: [DONE]\n\n")).isEqualTo("data: " + a + "\n\ndata: [DONE]\n\n");
    }

    @Test
    void multiLineDataIsKeptAsOneEvent() {
        String out = relayText("data: first line\n", "data: second line\n", "data:third, no space\n\n", "data: [DONE]\n\n");
        assertThat(out).isEqualTo("data: first line\ndata: second line\ndata: third, no space\n\ndata: [DONE]\n\n");
        assertThat(SseEvents.data(out)).containsExactly("first line\nsecond line\nthird, no space", "[DONE]");
    }

    @Test
    void namedEventsKeepTheirTypeAndAByteOrderMarkIsIgnored() {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        first.writeBytes(bom);
        first.writeBytes("event: ping\ndata: {}\n\n".getBytes(StandardCharsets.UTF_8));
        List<byte[]> split = new ArrayList<>(List.of(first.toByteArray()));
        split.add(("data: " + SseEvents.chunk("x") + "\n\n").getBytes(StandardCharsets.UTF_8));
        split.add("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        assertThat(relay(split)).isEqualTo("event: ping\ndata: {}\n\ndata: " + SseEvents.chunk("x") + "\n\ndata: [DONE]\n\n");
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
