package dev.switchboard.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.usage.Usage;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CachedAnswerTest {
    private static final byte[] BODY = "{\"id\":\"c1\",\"object\":\"chat.completion\",\"choices\":[]}".getBytes(StandardCharsets.UTF_8);
    private static final CachedAnswer ANSWER = new CachedAnswer(BODY, new Usage(10, 5, 15, 2, 1, 3, 1), "openai/gpt-4o",
            1_700_000_000_123L, true);

    @Test
    void roundTrips() {
        byte[] bytes = ANSWER.serialize();
        assertThat(bytes).hasSize(ANSWER.serializedSize());
        CachedAnswer back = CachedAnswer.parse(bytes).orElseThrow();
        assertThat(back.body()).isEqualTo(BODY);
        assertThat(back.usage()).isEqualTo(ANSWER.usage());
        assertThat(back.model()).isEqualTo("openai/gpt-4o");
        assertThat(back.storedAtMillis()).isEqualTo(1_700_000_000_123L);
        assertThat(back.streamed()).isTrue();
        assertThat(back.toStageAnswer().body()).isEqualTo(BODY);
        assertThat(back.ageSeconds(1_700_000_010_200L)).isEqualTo(10);
    }

    @Test
    void withoutUsage() {
        CachedAnswer a = new CachedAnswer(BODY, null, "m", 1, false);
        CachedAnswer back = CachedAnswer.parse(a.serialize()).orElseThrow();
        assertThat(back.usage()).isNull();
        assertThat(back.streamed()).isFalse();
        assertThat(a.serialize()).hasSize(a.serializedSize());
    }

    @Test
    void anyCorruptionIsAMissNeverAnException() {
        byte[] good = ANSWER.serialize();
        for (int i = 0; i < good.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] bad = good.clone();
                bad[i] ^= (byte) (1 << bit);
                assertThat(CachedAnswer.parse(bad)).as("byte %d bit %d", i, bit).isEmpty();
            }
        }
        for (int n = 0; n < good.length; n++) {
            assertThat(CachedAnswer.parse(Arrays.copyOf(good, n))).isEmpty();
        }
        assertThat(CachedAnswer.parse(Arrays.copyOf(good, good.length + 1))).isEmpty();
        assertThat(CachedAnswer.parse(null)).isEmpty();
        assertThat(CachedAnswer.parse("{\"not\":\"ours\"}".getBytes(StandardCharsets.UTF_8))).isEmpty();
        Random random = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            byte[] noise = new byte[random.nextInt(200)];
            random.nextBytes(noise);
            assertThat(CachedAnswer.parse(noise)).isEmpty();
        }
    }
}
