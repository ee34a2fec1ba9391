package dev.switchboard.e2e;

import dev.switchboard.testing.FakeAnthropicUpstream;
import dev.switchboard.testing.FakeBedrockUpstream;
import dev.switchboard.testing.FakeGeminiUpstream;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;

/**
 * The four vendor fakes behind two gateways for the Anthropic-ingress tests: one with the default
 * {@code unsupported_params: reject}, one with {@code drop} (the models of {@link AnthropicTranslatedUsageIT#yaml}).
 */
final class FourVendorGateways implements AutoCloseable {
    final FakeUpstream openAi = FakeUpstream.start();
    final FakeGeminiUpstream gemini = FakeGeminiUpstream.start();
    final FakeBedrockUpstream bedrock = FakeBedrockUpstream.start();
    final FakeAnthropicUpstream anthropic = FakeAnthropicUpstream.start();
    final GatewayFixture rejecting = GatewayFixture.withYaml(AnthropicTranslatedUsageIT.yaml(openAi, gemini, bedrock, anthropic, ""));
    final GatewayFixture dropping = GatewayFixture.withYaml(AnthropicTranslatedUsageIT.yaml(openAi, gemini, bedrock, anthropic,
            "\n    unsupported_params: drop"));

    /** Forgets what the fakes recorded (between tests). */
    void reset() {
        openAi.reset();
        gemini.reset();
        bedrock.reset();
        anthropic.reset();
    }

    @Override
    public void close() {
        dropping.close();
        rejecting.close();
        anthropic.close();
        bedrock.close();
        gemini.close();
        openAi.close();
    }
}
