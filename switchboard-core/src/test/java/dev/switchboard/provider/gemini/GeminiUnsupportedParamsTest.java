package dev.switchboard.provider.gemini;

import static dev.switchboard.provider.gemini.GeminiFixtures.chat;
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

/** Which parameters Gemini cannot take, and what {@code unsupported_params} does with them. */
class GeminiUnsupportedParamsTest {
    private static final String REQUEST = "{\"model\":\"a/b\",\"logprobs\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"n\":2,\"top_logprobs\":3,\"logit_bias\":{\"1\":5}}";
    private static final String NEUTRAL = "{\"model\":\"a/b\",\"logprobs\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"top_logprobs\":0,\"parallel_tool_calls\":true}";

    private static ProviderEndpoint endpoint(UnsupportedParams mode) {
        ProviderEndpoint p = GeminiFixtures.ENDPOINT;
        return new ProviderEndpoint(p.name(), p.type(), p.baseUrl(), p.apiKey(), p.headers(), p.apiVersion(),
                p.models(), p.timeouts(), mode);
    }

    private static UpstreamRequest toUpstream(String json, UnsupportedParams mode) {
        return GeminiChatTranslator.toUpstream(chat(json), endpoint(mode), "gemini-x");
    }

    @Test
    void unsupportedParametersAreListedInRequestOrder() throws Exception {
        assertThat(GeminiParameterPolicy.unsupported(Json.MAPPER.readTree(REQUEST))).containsExactly("logprobs", "top_logprobs", "logit_bias");
    }

    @Test
    void neutralValuesAreNotListed() throws Exception {
        assertThat(GeminiParameterPolicy.unsupported(Json.MAPPER.readTree(NEUTRAL))).isEmpty();
        assertThat(toUpstream(NEUTRAL, UnsupportedParams.DROP).dropped()).isEmpty();
    }

    @Test
    void rejectRefusesTheFirstByName() {
        for (ProviderEndpoint p : new ProviderEndpoint[] {GeminiFixtures.ENDPOINT, endpoint(UnsupportedParams.REJECT)}) {
            assertThat(p.unsupportedParams()).isEqualTo(UnsupportedParams.REJECT);
        }
        assertThatThrownBy(() -> toUpstream(REQUEST, UnsupportedParams.REJECT))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_PARAMETER);
                    assertThat(e.param()).isEqualTo("logprobs");
                });
    }

    @Test
    void dropLeavesThemOutOfTheUpstreamRequestAndReportsThem() throws Exception {
        UpstreamRequest up = toUpstream(REQUEST, UnsupportedParams.DROP);
        assertThat(up.dropped()).containsExactly("logprobs", "top_logprobs", "logit_bias");
        JsonNode sent = Json.MAPPER.readTree(up.body());
        for (String name : up.dropped()) {
            assertThat(sent.toString()).doesNotContain("\"" + name + "\"");
        }
        assertThat(sent.toString()).contains("hi");
    }
}
