package dev.switchboard.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shared reject-or-drop step: refuses the first unsupported field, or strips them all from a copy. */
class ParameterGateTest {
    private static JsonNode body() throws Exception {
        return Json.MAPPER.readTree("{\"model\":\"m\",\"n\":2,\"messages\":[],\"logprobs\":true,\"temperature\":1}");
    }

    private static GatewayException refusal(String name) {
        return GatewayException.param(ErrorKind.INVALID_PARAMETER, name, "Parameter '" + name + "' is not supported.");
    }

    @Test
    void rejectRefusesTheFirstUnsupportedParameter() throws Exception {
        assertThatThrownBy(() -> ParameterGate.apply(body(), List.of("n", "logprobs"), UnsupportedParams.REJECT,
                ParameterGateTest::refusal))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.param()).isEqualTo("n");
                });
    }

    @Test
    void dropStripsACopyAndReportsInRequestOrder() throws Exception {
        JsonNode in = body();
        String before = in.toString();
        ParameterGate.Gated g = ParameterGate.apply(in, List.of("n", "logprobs"), UnsupportedParams.DROP,
                ParameterGateTest::refusal);
        assertThat(g.dropped()).containsExactly("n", "logprobs");
        assertThat(g.body().toString()).isEqualTo("{\"model\":\"m\",\"messages\":[],\"temperature\":1}");
        assertThat(in.toString()).isEqualTo(before); // the client's body is not mutated
    }

    @Test
    void nothingUnsupportedPassesTheBodyThroughInEitherMode() throws Exception {
        JsonNode in = body();
        for (UnsupportedParams mode : UnsupportedParams.values()) {
            ParameterGate.Gated g = ParameterGate.apply(in, List.of(), mode, ParameterGateTest::refusal);
            assertThat(g.body()).isSameAs(in);
            assertThat(g.dropped()).isEmpty();
        }
    }
}
