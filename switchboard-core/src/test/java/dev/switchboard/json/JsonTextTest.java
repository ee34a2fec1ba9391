package dev.switchboard.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Strings written by hand must be the bytes Jackson would have written, as clients compare streams byte for byte. */
class JsonTextTest {
    @Test
    void everyCharacterIsEscapedAsJacksonEscapesIt() throws Exception {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x3000; c++) {
            if (!Character.isSurrogate(c)) {
                all.append(c);
            }
        }
        all.append("😀 \"quoted\" back\\slash </script>");
        String s = all.toString();
        assertThat(JsonText.quote(new StringBuilder(), s).toString()).isEqualTo(Json.MAPPER.writeValueAsString(s));
    }

    @Test
    void randomTextMatchesJackson() throws Exception {
        Random random = new Random(15);
        for (int i = 0; i < 2_000; i++) {
            StringBuilder sb = new StringBuilder();
            for (int j = random.nextInt(40); j > 0; j--) {
                sb.append((char) (random.nextBoolean() ? random.nextInt(0x80) : random.nextInt(0xD000)));
            }
            String s = sb.toString();
            assertThat(JsonText.quote(new StringBuilder(), s).toString()).isEqualTo(Json.MAPPER.writeValueAsString(s));
        }
    }

    @Test
    void nullIsWrittenAsNull() {
        assertThat(JsonText.quoteOrNull(new StringBuilder(), null).toString()).isEqualTo("null");
    }
}
