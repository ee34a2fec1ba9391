package dev.switchboard.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TokenEstimatorTest {
    private final TokenEstimator estimator = new TokenEstimator();

    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void knownCountsOfBothEncodings() {
        assertThat(estimator.count("gpt-3.5-turbo", "hello world")).isEqualTo(2);
        assertThat(estimator.count("claude-3-5-sonnet", "hello world")).isEqualTo(2);
        assertThat(estimator.count("gpt-4o", "hello world")).isEqualTo(2);
        assertThat(TokenEstimator.usesO200k("openai/gpt-4o-mini")).isTrue();
        assertThat(TokenEstimator.usesO200k("o3-mini")).isTrue();
        assertThat(TokenEstimator.usesO200k("gpt-4-turbo")).isFalse();
        assertThat(TokenEstimator.usesO200k("mistral-large")).isFalse();
    }

    @Test
    void singleMessageFollowsOpenAiFraming() {
        RequestEstimate e = estimator.estimate("gpt-4o",
                json("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hello world\"}],\"max_tokens\":50}"));
        // 3 per message + "user" (1) + "hello world" (2) + 3 reply priming
        assertThat(e.inputTokens()).isEqualTo(9);
        assertThat(e.maxOutputTokens()).isEqualTo(50);
        assertThat(e.totalWith(1000)).isEqualTo(59);
    }

    @Test
    void contentPartsToolsAndNamesAreCounted() {
        String text = "The quick brown fox jumps over the lazy dog. ".repeat(20);
        String body = "{\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"user\",\"name\":\"ann\",\"content\":[{\"type\":\"text\",\"text\":\"" + text + "\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64," + "A".repeat(5000) + "\"}}]}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"description\":\"Weather of a city\","
                + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}}],"
                + "\"max_completion_tokens\":200}";
        RequestEstimate e = estimator.estimate("gpt-4o", json(body));
        int textTokens = estimator.count("gpt-4o", text);
        assertThat(textTokens).isBetween(180, 220);
        // text + image flat charge + small framing, tools, names; the base64 must not be tokenised
        assertThat(e.inputTokens()).isBetween((long) textTokens + 85 + 20, (long) textTokens + 85 + 80);
        assertThat(e.maxOutputTokens()).isEqualTo(200);
    }

    @Test
    void unreadableBodiesFallBackToBytes() {
        assertThat(estimator.estimate("gpt-4o", json("not json at all")).inputTokens()).isEqualTo(3);
        assertThat(estimator.estimate("gpt-4o", json("{\"messages\":[{\"role\":")).inputTokens()).isGreaterThanOrEqualTo(0);
        assertThat(estimator.estimate("gpt-4o", json("{\"model\":\"x\"}")).maxOutputTokens()).isEqualTo(-1);
    }

    @Test
    void specialTokenTextDoesNotThrow() {
        assertThat(estimator.count("gpt-4o", "<|endoftext|>")).isGreaterThan(1);
    }

    @Test
    void cheapEnoughToRunPerRequest() {
        byte[] body = json("{\"messages\":[{\"role\":\"user\",\"content\":\"" + "lorem ipsum dolor sit amet ".repeat(40) + "\"}]}");
        for (int i = 0; i < 200; i++) {
            estimator.estimate("gpt-4o", body);
        }
        long start = System.nanoTime();
        int n = 2000;
        for (int i = 0; i < n; i++) {
            estimator.estimate("gpt-4o", body);
        }
        double micros = (System.nanoTime() - start) / 1000.0 / n;
        // generous bound for a noisy shared machine: ~1 KB of text should take tens of microseconds
        assertThat(micros).isLessThan(2000);
    }
}
