package dev.switchboard.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Utf8CheckTest {
    static byte[] hex(String h) {
        return HexFormat.of().parseHex(h);
    }

    @Test
    void cleanTextAndPairedEscapesPass() {
        for (String s : List.of("", "plain ascii over eight bytes long", "caf\u00e9 \u20ac \ud83d\ude00 \uffff \u0800",
                "\\ud83d\\ude00 \\u00e9 \\\\ud800 \\n \\\" \\uDBFF\\uDFFF")) {
            assertThat(Utf8Check.firstProblem(s.getBytes(StandardCharsets.UTF_8))).as(s).isEqualTo(-1);
        }
    }

    @Test
    void malformedBytesAndLoneSurrogateEscapesAreFoundWhereTheyAre() {
        for (String bad : List.of("80", "bf", "c0af", "c1bf", "e08080", "eda080", "edbfbf", "f08f8080", "f4908080",
                "f5808080", "f8", "ff", "e282", "c2", "f09f98", "e2822c")) {
            for (int pad = 0; pad < 10; pad++) {
                byte[] prefix = "x".repeat(pad).getBytes(StandardCharsets.UTF_8);
                byte[] b = new byte[pad + bad.length() / 2 + 9];
                System.arraycopy(prefix, 0, b, 0, pad);
                System.arraycopy(hex(bad), 0, b, pad, bad.length() / 2);
                java.util.Arrays.fill(b, pad + bad.length() / 2, b.length, (byte) 'y');
                assertThat(Utf8Check.firstProblem(b)).as("%s after %d", bad, pad).isEqualTo(pad);
            }
        }
        for (String esc : List.of("\\ud800", "\\udc00", "\\ud800x", "\\ud800\\u0041", "\\udbff\\ud800", "\\ud800\\")) {
            assertThat(Utf8Check.firstProblem(("\"abcdefghij" + esc + "\"").getBytes(StandardCharsets.UTF_8)))
                    .as(esc).isEqualTo(11);
        }
    }

    @Test
    void agreesWithTheJdkDecoderOnRandomBytes() {
        Random r = new Random(42);
        for (int round = 0; round < 20_000; round++) {
            byte[] b = new byte[r.nextInt(24)];
            for (int i = 0; i < b.length; i++) {
                int pick = r.nextInt(4);
                b[i] = (byte) (pick == 0 ? 'a' + r.nextInt(26) : pick == 1 ? 0x80 + r.nextInt(64) : r.nextInt(256));
                if (b[i] == '\\') {
                    b[i] = 'z';
                }
            }
            boolean jdk;
            try {
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b));
                jdk = true;
            } catch (CharacterCodingException e) {
                jdk = false;
            }
            assertThat(Utf8Check.firstProblem(b) < 0).as(HexFormat.of().formatHex(b)).isEqualTo(jdk);
        }
    }
}
