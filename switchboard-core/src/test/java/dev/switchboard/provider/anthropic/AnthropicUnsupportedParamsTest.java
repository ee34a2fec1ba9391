package dev.switchboard.provider.anthropic;

import static dev.switchboard.provider.anthropic.AnthropicFixtures.chat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.json.Json;
import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.provider.UnsupportedParams;
import dev.switchboard.provider.UpstreamRequest;
import org.junit.jupiter.api.Test;

/** Which parameters Anthropic cannot take, and what {@code unsupported_params} does with them. */
class AnthropicUnsupportedParamsTest {
    private static final String REQUEST = "{\"model\":\"a/b\",\"n\":2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"logprobs\":true,\"temperature\":0.5,\"seed\":7,\"presence_penalty\":0.3}";
    private static final String NEUTRAL = "{\"model\":\"a/b\",\"n\":1,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"logprobs\":false,\"presence_penalty\":0}";

    private static ProviderEndpoint endpoint(UnsupportedParams mode) {
        ProviderEndpoint p = AnthropicFixtures.ENDPOINT;
        return new ProviderEndpoint(p.name(), p.type(), p.baseUrl(), p.apiKey(), p.headers(), p.apiVersion(),
                p.models(), p.timeouts(), mode);
    }

    private static UpstreamRequest toUpstream(String json, UnsupportedParams mode) {
        return AnthropicChatTranslator.toUpstream(chat(json), endpoint(mode), "claude-x");
    }

    @Test
    void unsupportedParametersAreListedInRequestOrder() throws Exception {
        assertThat(AnthropicParameterPolicy.unsupported(Json.MAPPER.readTree(REQUEST))).containsExactly("n", "logprobs", "seed", "presence_penalty");
    }

    @Test
    void neutralValuesAreNotListed() throws Exception {
        assertThat(AnthropicParameterPolicy.unsupported(Json.MAPPER.readTree(NEUTRAL))).isEmpty();
        assertThat(toUpstream(NEUTRAL, UnsupportedParams.DROP).dropped()).isEmpty();
    }

    @Test
    void rejectRefusesTheFirstByName() {
        for (ProviderEndpoint p : new ProviderEndpoint[] {AnthropicFixtures.ENDPOINT, endpoint(UnsupportedParams.REJECT)}) {
            assertThat(p.unsupportedParams()).isEqualTo(UnsupportedParams.REJECT);
        }
        assertThatThrownBy(() -> toUpstream(REQUEST, UnsupportedParams.REJECT))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_PARAMETER);
                    assertThat(e.param()).isEqualTo("n");
                });
    }

    @Test
    void dropLeavesThemOutOfTheUpstreamRequestAndReportsThem() throws Exception {
        UpstreamRequest up = toUpstream(REQUEST, UnsupportedParams.DROP);
        assertThat(up.dropped()).containsExactly("n", "logprobs", "seed", "presence_penalty");
        JsonNode sent = Json.MAPPER.readTree(up.body());
        for (String name : up.dropped()) {
            assertThat(sent.toString()).doesNotContain("\"" + name + "\"");
        }
        assertThat(sent.toString()).contains("hi");
    }
}
