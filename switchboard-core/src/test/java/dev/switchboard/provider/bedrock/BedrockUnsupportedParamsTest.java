package dev.switchboard.provider.bedrock;

import static dev.switchboard.provider.bedrock.BedrockFixtures.chat;
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

/** Which parameters Bedrock cannot take, and what {@code unsupported_params} does with them. */
class BedrockUnsupportedParamsTest {
    private static final String REQUEST = "{\"model\":\"a/b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"seed\":1,\"n\":3,\"logprobs\":true,\"temperature\":0.2}";
    private static final String NEUTRAL = "{\"model\":\"a/b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"n\":1,\"logprobs\":false,\"store\":false}";

    private static ProviderEndpoint endpoint(UnsupportedParams mode) {
        ProviderEndpoint p = BedrockFixtures.ENDPOINT;
        return new ProviderEndpoint(p.name(), p.type(), p.baseUrl(), p.apiKey(), p.headers(), p.apiVersion(),
                p.models(), p.timeouts(), mode);
    }

    private static UpstreamRequest toUpstream(String json, UnsupportedParams mode) {
        return BedrockChatTranslator.toUpstream(chat(json), endpoint(mode), "anthropic.claude-x");
    }

    @Test
    void unsupportedParametersAreListedInRequestOrder() throws Exception {
        assertThat(BedrockChatTranslator.unsupported(Json.MAPPER.readTree(REQUEST))).containsExactly("seed", "n", "logprobs");
    }

    @Test
    void neutralValuesAreNotListed() throws Exception {
        assertThat(BedrockChatTranslator.unsupported(Json.MAPPER.readTree(NEUTRAL))).isEmpty();
        assertThat(toUpstream(NEUTRAL, UnsupportedParams.DROP).dropped()).isEmpty();
    }

    @Test
    void rejectRefusesTheFirstByName() {
        for (ProviderEndpoint p : new ProviderEndpoint[] {BedrockFixtures.ENDPOINT, endpoint(UnsupportedParams.REJECT)}) {
            assertThat(p.unsupportedParams()).isEqualTo(UnsupportedParams.REJECT);
        }
        assertThatThrownBy(() -> toUpstream(REQUEST, UnsupportedParams.REJECT))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_PARAMETER);
                    assertThat(e.param()).isEqualTo("seed");
                });
    }

    @Test
    void dropLeavesThemOutOfTheUpstreamRequestAndReportsThem() throws Exception {
        UpstreamRequest up = toUpstream(REQUEST, UnsupportedParams.DROP);
        assertThat(up.dropped()).containsExactly("seed", "n", "logprobs");
        JsonNode sent = Json.MAPPER.readTree(up.body());
        for (String name : up.dropped()) {
            assertThat(sent.toString()).doesNotContain("\"" + name + "\"");
        }
        assertThat(sent.toString()).contains("hi");
    }
}
