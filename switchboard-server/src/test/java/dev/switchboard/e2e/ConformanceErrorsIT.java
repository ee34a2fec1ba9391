package dev.switchboard.e2e;

import static dev.switchboard.testing.ErrorBodies.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.errors.InternalServerException;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.provider.Capability;
import dev.switchboard.testing.Conformance;
import dev.switchboard.testing.Conformance.Provider;
import java.net.http.HttpResponse;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Error mapping and capability refusals, the same against every adapter. */
class ConformanceErrorsIT {
    static Conformance rig;

    @BeforeAll
    static void start() {
        rig = Conformance.start();
    }

    @AfterAll
    static void stop() {
        rig.close();
    }

    @BeforeEach
    void clear() {
        rig.reset();
    }

    static String chat(Provider p, String extra) {
        return "{\"model\":\"" + p.alias + "\"," + extra + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    @ParameterizedTest
    @EnumSource(Provider.class)
    void rateLimitIs429WithRetryAfter(Provider p) {
        rig.enqueueRateLimited(p);
        HttpResponse<String> r = rig.gateway().post("/v1/chat/completions", chat(p, ""));
        assertError(r, 429, "rate_limit_error", "rate_limit_exceeded");
        assertThat(r.headers().firstValue("retry-after")).hasValue("3");

        rig.enqueueRateLimited(p);
        RateLimitException e = catchThrowableOfType(RateLimitException.class, () -> rig.client().chat().completions()
                .create(ChatCompletionCreateParams.builder().model(p.alias).addUserMessage("hi").build()));
        assertThat(e.statusCode()).isEqualTo(429);
    }

    @ParameterizedTest
    @EnumSource(Provider.class)
    void overloadedIsA5xx(Provider p) {
        rig.enqueueOverloaded(p);
        HttpResponse<String> r = rig.gateway().post("/v1/chat/completions", chat(p, ""));
        assertThat(r.statusCode()).as(r.body()).isBetween(500, 599);

        rig.enqueueOverloaded(p);
        InternalServerException e = catchThrowableOfType(InternalServerException.class, () -> rig.client().chat().completions()
                .create(ChatCompletionCreateParams.builder().model(p.alias).addUserMessage("hi").build()));
        assertThat(e.statusCode()).isBetween(500, 599);
    }

    /** A request asking for one capability, and the parameter a refusal must name. */
    static Stream<Arguments> undeclared() {
        Stream.Builder<Arguments> out = Stream.builder();
        for (Provider p : Provider.values()) {
            out.add(Arguments.of(p, Capability.N_GREATER_THAN_ONE, "n", "\"n\":2,"));
            out.add(Arguments.of(p, Capability.LOGPROBS, "logprobs", "\"logprobs\":true,"));
            out.add(Arguments.of(p, Capability.JSON_SCHEMA, "response_format", "\"response_format\":{\"type\":\"json_schema\","
                    + "\"json_schema\":{\"name\":\"x\",\"schema\":{\"type\":\"object\"}}},"));
            out.add(Arguments.of(p, Capability.REASONING, "reasoning_effort", "\"reasoning_effort\":\"low\","));
        }
        return out.build();
    }

    @ParameterizedTest(name = "{0} without {1} refuses {2}")
    @MethodSource("undeclared")
    void anUndeclaredCapabilityIsA400NamingTheParameter(Provider p, Capability c, String param, String extra) {
        assumeFalse(p.has(c), () -> p + " declares " + c + "; its support is exercised by ConformanceChatIT");
        HttpResponse<String> r = rig.gateway().post("/v1/chat/completions", chat(p, extra));
        JsonNode error = assertError(r, 400, "invalid_request_error", "invalid_parameter");
        assertThat(error.path("param").asText()).isEqualTo(param);
        assertThat(error.path("message").asText()).contains(param);
        assertThat(rig.requests(p)).as("refused before the upstream was called").isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Provider.class)
    void embeddingsWhereDeclaredElseA400(Provider p) {
        String model = p == Provider.OPENAI ? "embed" : p.alias;
        HttpResponse<String> r = rig.gateway().post("/v1/embeddings", "{\"model\":\"" + model + "\",\"input\":\"hello\"}");
        if (p.has(Capability.EMBEDDINGS)) {
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        } else {
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            assertThat(r.body()).contains("embeddings");
            assertThat(rig.requests(p)).isEmpty();
        }
    }
}
