package dev.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.catalogue.ProviderCatalogue;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.provider.UpstreamErrorMapper;
import dev.switchboard.runtime.Snapshot;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Real vendor error bodies, mapped the way the proxy maps them, then classified. */
class FailureClassifierTest {
    private static final ProviderEndpoint PROVIDER = Snapshot.build(
            new ConfigLoader(ProviderCatalogue.bundled(), Map.<String, String>of()::get).parse("""
                    providers:
                      - { name: openai, type: openai, api_key: sk-secret-1 }
                    """), ProviderCatalogue.bundled(), t -> null).resolver().providers().get("openai");

    private static FailureClass classify(int status, String body) {
        byte[] bytes = body == null ? null : body.getBytes(StandardCharsets.UTF_8);
        GatewayException e = UpstreamErrorMapper.map(PROVIDER, status, null, bytes);
        return FailureClassifier.classify(e, bytes);
    }

    @Test
    void openAiContextLengthExceeded() {
        assertThat(classify(400, """
                {"error": {"message": "This model's maximum context length is 128000 tokens. However, your messages \
                resulted in 131072 tokens.", "type": "invalid_request_error", "param": "messages",
                "code": "context_length_exceeded"}}""")).isEqualTo(FailureClass.CONTEXT_LENGTH);
    }

    @Test
    void anthropicPromptTooLong() {
        assertThat(classify(400, """
                {"type": "error", "error": {"type": "invalid_request_error",
                "message": "prompt is too long: 215000 tokens > 200000 maximum"}}""")).isEqualTo(FailureClass.CONTEXT_LENGTH);
    }

    @Test
    void geminiTokenCountExceeded() {
        assertThat(classify(400, """
                {"error": {"code": 400, "message": "The input token count (1200000) exceeds the maximum number of \
                tokens allowed (1048576).", "status": "INVALID_ARGUMENT"}}""")).isEqualTo(FailureClass.CONTEXT_LENGTH);
    }

    @Test
    void contextLengthIsFoundInTheRawBodyEvenWhenTheMessageIsNot() {
        // the mapper keeps only error.message; the code lives elsewhere in the body
        assertThat(classify(400, """
                {"error": {"message": "Bad request.", "code": "context_length_exceeded"}}"""))
                .isEqualTo(FailureClass.CONTEXT_LENGTH);
    }

    @Test
    void azureContentFilter() {
        assertThat(classify(400, """
                {"error": {"message": "The response was filtered due to the prompt triggering Azure OpenAI's content \
                management policy. Please modify your prompt and retry.", "type": null, "param": "prompt",
                "code": "content_filter", "status": 400, "innererror": {"code": "ResponsibleAIPolicyViolation"}}}"""))
                .isEqualTo(FailureClass.CONTENT_FILTER);
    }

    @Test
    void rateLimitsAndServerErrors() {
        assertThat(classify(429, "{\"error\": {\"message\": \"Rate limit reached for gpt-4o\"}}"))
                .isEqualTo(FailureClass.RATE_LIMITED);
        assertThat(classify(500, "{\"error\": {\"message\": \"The server had an error\"}}"))
                .isEqualTo(FailureClass.SERVER_ERROR);
        assertThat(classify(503, null)).isEqualTo(FailureClass.SERVER_ERROR);
        assertThat(classify(529, "{\"type\": \"error\", \"error\": {\"type\": \"overloaded_error\"}}"))
                .isEqualTo(FailureClass.SERVER_ERROR);
        // the provider refusing the gateway's key is the target's fault, not the caller's
        assertThat(classify(401, "{\"error\": {\"message\": \"Incorrect API key\"}}"))
                .isEqualTo(FailureClass.SERVER_ERROR);
    }

    @Test
    void aServerErrorMentioningTokensIsStillAServerError() {
        assertThat(classify(500, "{\"error\": {\"message\": \"too many tokens in flight\"}}"))
                .isEqualTo(FailureClass.SERVER_ERROR);
    }

    @Test
    void timeoutsAndUnreachableTargets() {
        assertThat(FailureClassifier.classify(new GatewayException(ErrorKind.UPSTREAM_TIMEOUT,
                "Provider 'openai' did not answer in time."), null)).isEqualTo(FailureClass.TIMEOUT);
        assertThat(FailureClassifier.classify(new GatewayException(ErrorKind.UPSTREAM_UNREACHABLE,
                "Provider 'openai' is unreachable."), null)).isEqualTo(FailureClass.CONNECT);
        assertThat(FailureClassifier.classify(new GatewayException(ErrorKind.UPSTREAM_STREAM_BROKEN,
                "The stream broke."), null)).isEqualTo(FailureClass.SERVER_ERROR);
    }

    @Test
    void aPlainBadRequestIsTheClientsFault() {
        assertThat(classify(400, """
                {"error": {"message": "Invalid value for 'temperature': expected a number <= 2.",
                "type": "invalid_request_error", "param": "temperature"}}""")).isEqualTo(FailureClass.CLIENT_ERROR);
        assertThat(classify(400, null)).isEqualTo(FailureClass.CLIENT_ERROR);
        assertThat(classify(404, "{\"error\": {\"message\": \"The model 'gpt-9' does not exist\"}}"))
                .isEqualTo(FailureClass.CLIENT_ERROR);
    }

    @Test
    void classesSayWhetherTheTargetIsAtFaultAndWhatTheyFallBackOn() {
        assertThat(FailureClass.CONNECT.targetFault()).isTrue();
        assertThat(FailureClass.RATE_LIMITED.targetFault()).isTrue();
        assertThat(FailureClass.CONTEXT_LENGTH.targetFault()).isFalse();
        assertThat(FailureClass.CLIENT_ERROR.targetFault()).isFalse();
        assertThat(FailureClass.TIMEOUT.trigger()).isEqualTo(FallbackTrigger.ERROR);
        assertThat(FailureClass.CONTEXT_LENGTH.trigger()).isEqualTo(FallbackTrigger.CONTEXT_LENGTH);
        assertThat(FailureClass.CONTENT_FILTER.trigger()).isEqualTo(FallbackTrigger.CONTENT_FILTER);
        assertThat(FailureClass.CLIENT_ERROR.trigger()).isNull();
    }
}
