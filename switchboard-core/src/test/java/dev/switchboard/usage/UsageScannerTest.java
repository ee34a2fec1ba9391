package dev.switchboard.usage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class UsageScannerTest {
    @Test
    void findsTopLevelUsageWithDetailsSkippingEverythingElse() {
        String body = """
                {"id":"x","choices":[{"message":{"content":"{\\"usage\\":{\\"prompt_tokens\\":999}}"}}],
                 "data":[{"embedding":[0.1,0.2,0.3]}],
                 "usage":{"prompt_tokens":11,"completion_tokens":7,"total_tokens":18,
                          "prompt_tokens_details":{"cached_tokens":3},"completion_tokens_details":{"reasoning_tokens":2}},
                 "system_fingerprint":"fp"}""";
        assertThat(UsageScanner.scan(body.getBytes(StandardCharsets.UTF_8))).isEqualTo(new Usage(11, 7, 18, 3, 2));
    }

    @Test
    void aLastNullUsageFallsBackToTheTopLevelOne() {
        String body = "{\"usage\":{\"prompt_tokens\":4,\"completion_tokens\":1},\"x\":{\"usage\":null}}";
        assertThat(UsageScanner.scan(body.getBytes(StandardCharsets.UTF_8))).isEqualTo(new Usage(4, 1, 5, 0, 0));
    }

    @Test
    void absentNullOrBrokenUsageIsNull() {
        assertThat(UsageScanner.scan("{\"id\":1}".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(UsageScanner.scan("{\"usage\":null}".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(UsageScanner.scan("not json".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(UsageScanner.scan("{\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2}}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new Usage(1, 2, 3, 0, 0));
    }

    @Test
    void streamPrecheckOnlyMatchesNonNullUsage() {
        assertThat(UsageScanner.mayCarryUsage("{\"choices\":[],\"usage\":{\"prompt_tokens\":1}}")).isTrue();
        assertThat(UsageScanner.mayCarryUsage("{\"choices\":[],\"usage\" : {}}")).isTrue();
        assertThat(UsageScanner.mayCarryUsage("{\"choices\":[{}],\"usage\":null}")).isFalse();
        assertThat(UsageScanner.mayCarryUsage("{\"choices\":[{}]}")).isFalse();
    }
}
