package dev.switchboard.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class BedrockEventStreamDecoderTest {
    @Test
    void decodesWholeAndSplitFrames() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(BedrockFixtures.event("messageStart", "{\"role\":\"assistant\"}"));
        all.writeBytes(BedrockFixtures.event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"héllo\"}}"));
        byte[] bytes = all.toByteArray();
        for (int step : new int[] {1, 3, 7, 13, bytes.length}) {
            List<EventStreamDecoder.Message> got = new ArrayList<>();
            EventStreamDecoder d = new EventStreamDecoder(got::add);
            for (int i = 0; i < bytes.length; i += step) {
                d.feed(Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + step)));
            }
            assertThat(got).hasSize(2);
            assertThat(got.get(0).header(":event-type")).isEqualTo("messageStart");
            assertThat(got.get(0).header(":message-type")).isEqualTo("event");
            assertThat(new String(got.get(1).payload(), StandardCharsets.UTF_8)).contains("héllo");
            assertThat(d.hasPartialMessage()).isFalse();
        }
    }

    @Test
    void partialFrameIsHeld() {
        byte[] f = BedrockFixtures.event("messageStop", "{\"stopReason\":\"end_turn\"}");
        EventStreamDecoder d = new EventStreamDecoder(m -> { });
        d.feed(Arrays.copyOf(f, f.length - 1));
        assertThat(d.hasPartialMessage()).isTrue();
    }

    @Test
    void badMessageCrcIsAnError() {
        byte[] f = BedrockFixtures.event("messageStop", "{\"stopReason\":\"end_turn\"}");
        f[f.length - 6] ^= 1; // a payload byte
        EventStreamDecoder d = new EventStreamDecoder(m -> { });
        assertThatThrownBy(() -> d.feed(f)).isInstanceOf(IllegalStateException.class).hasMessageContaining("message CRC");
    }

    @Test
    void badPreludeCrcIsAnError() {
        byte[] f = BedrockFixtures.event("messageStop", "{}");
        f[3] ^= 1; // the total length
        EventStreamDecoder d = new EventStreamDecoder(m -> { });
        assertThatThrownBy(() -> d.feed(f)).isInstanceOf(IllegalStateException.class).hasMessageContaining("prelude CRC");
    }
}
