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
        // text + the image's upper bound + small framing, tools, names; the base64 must not be tokenised
        long image = TokenEstimator.IMAGE_UPPER_BOUND;
        assertThat(e.inputTokens()).isBetween(textTokens + image + 20, textTokens + image + 80);
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

    @Test
    void eightMebibytesOfOneLetterAreEstimatedInBoundedTimeAndNotUnderCounted() {
        String run = "a".repeat(8 * 1024 * 1024);
        byte[] body = json("{\"messages\":[{\"role\":\"user\",\"content\":\"" + run + "\"}]}");
        for (String model : new String[] {"gpt-4o", "gpt-4-turbo"}) {
            long start = System.nanoTime();
            RequestEstimate e = estimator.estimate(model, body);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(millis).as("exact counting is capped").isLessThan(3000);
            // jtokkit counts a run of 'a' as one token per 8 letters: the estimate must not be below that
            assertThat(e.inputTokens()).isGreaterThanOrEqualTo(run.length() / 8);
        }
    }

    @Test
    void textBeyondTheExactCapIsChargedAtTheConservativeRatio() {
        String words = "The quick brown fox jumps over the lazy dog. ";
        String big = words.repeat(TokenEstimator.EXACT_CHARS / words.length() * 3);
        int exact = estimator.count("gpt-4o", big.substring(0, TokenEstimator.EXACT_CHARS));
        RequestEstimate e = estimator.estimate("gpt-4o", json("{\"prompt\":\"" + big + "\"}"));
        long beyond = big.length() - TokenEstimator.EXACT_CHARS;
        // the first EXACT_CHARS counted (chunking may add a few tokens), the rest at 4 tokens per 5 bytes
        assertThat(e.inputTokens()).isBetween(exact + beyond * 4 / 5 - 10, exact + beyond * 4 / 5 + 200);
        // within the cap, chunked counting of long text equals whole-text counting up to a token per chunk
        String mid = words.repeat(2000);
        assertThat(estimator.estimate("gpt-4o", json("{\"prompt\":\"" + mid + "\"}")).inputTokens())
                .isBetween((long) estimator.count("gpt-4o", mid), (long) estimator.count("gpt-4o", mid) + mid.length() / 2048 + 1);
    }

    @Test
    void cheapEstimateNeverTokenisesAndStaysConservative() {
        String text = "The quick brown fox jumps over the lazy dog. ".repeat(100);
        RequestEstimate cheap = estimator.cheapEstimate(json("{\"messages\":[{\"role\":\"user\",\"content\":\"" + text
                + "\"}],\"max_tokens\":7}"));
        assertThat(cheap.inputTokens()).isGreaterThanOrEqualTo(estimator.count("gpt-4o", text));
        assertThat(cheap.maxOutputTokens()).isEqualTo(7);
    }

    @Test
    void tokenArraysCountOneTokenPerId() {
        assertThat(estimator.estimate("gpt-3.5-turbo-instruct", json("{\"prompt\":[1,2,3,4,5,6,7,8,9,10]}")).inputTokens())
                .isEqualTo(10);
        assertThat(estimator.estimate("text-embedding-3-small", json("{\"input\":[[1,2,3],[4,5,6,7]]}")).inputTokens())
                .isEqualTo(7);
    }

    @Test
    void imagesArePricedAtAnUpperBoundUnlessLowDetail() {
        String img = "data:image/png;base64," + "A".repeat(5000);
        long high = estimator.estimate("gpt-4o", json("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\","
                + "\"image_url\":{\"url\":\"" + img + "\"}}]}]}")).inputTokens();
        long low = estimator.estimate("gpt-4o", json("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\","
                + "\"image_url\":{\"url\":\"" + img + "\",\"detail\":\"low\"}}]}]}")).inputTokens();
        assertThat(high).isGreaterThanOrEqualTo(TokenEstimator.IMAGE_UPPER_BOUND);
        assertThat(low).isLessThan(200);
        // Anthropic's image block: the same bound, the base64 never tokenised
        long anthropic = estimator.estimate("claude-sonnet-4-5", json("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image\","
                + "\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"" + "A".repeat(5000) + "\"}}]}]}"))
                .inputTokens();
        assertThat(anthropic).isBetween((long) TokenEstimator.IMAGE_UPPER_BOUND, (long) TokenEstimator.IMAGE_UPPER_BOUND + 40);
        // gpt-4o-mini counts image tokens many times over (same dollars at a lower token price)
        long mini = estimator.estimate("gpt-4o-mini", json("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\","
                + "\"image_url\":{\"url\":\"https://example.com/cat.png\"}}]}]}")).inputTokens();
        assertThat(mini).isGreaterThan(40_000);
    }

    @Test
    void audioAndFilesArePricedByTheirSize() {
        String small = "A".repeat(4_000);
        String large = "A".repeat(4_000_000); // ~3 MB of audio
        long smallAudio = estimator.estimate("gpt-4o-audio-preview", json("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":"
                + "\"input_audio\",\"input_audio\":{\"data\":\"" + small + "\",\"format\":\"wav\"}}]}]}")).inputTokens();
        long largeAudio = estimator.estimate("gpt-4o-audio-preview", json("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":"
                + "\"input_audio\",\"input_audio\":{\"data\":\"" + large + "\",\"format\":\"wav\"}}]}]}")).inputTokens();
        assertThat(largeAudio).isGreaterThan(smallAudio * 100);
        // 3 MB at 8 kbit/s is ~3000 s; at 32 tokens a second, ~96,000 tokens
        assertThat(largeAudio).isGreaterThan(90_000);
        long pdf = estimator.estimate("gpt-4o", json("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"file\","
                + "\"file\":{\"filename\":\"a.pdf\",\"file_data\":\"data:application/pdf;base64," + large + "\"}}]}]}")).inputTokens();
        assertThat(pdf).isGreaterThan(1_000_000); // 3 MB of PDF at one token per 2 bytes
        long doc = estimator.estimate("claude-sonnet-4-5", json("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"document\","
                + "\"source\":{\"type\":\"base64\",\"media_type\":\"application/pdf\",\"data\":\"" + large + "\"}}]}]}")).inputTokens();
        assertThat(doc).isGreaterThan(1_000_000);
        long byId = estimator.estimate("gpt-4o", json("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"file\","
                + "\"file\":{\"file_id\":\"file-abc\"}}]}]}")).inputTokens();
        assertThat(byId).isGreaterThanOrEqualTo(TokenEstimator.FILE_REFERENCE);
    }
}
