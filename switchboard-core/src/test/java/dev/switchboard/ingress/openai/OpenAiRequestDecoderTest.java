package dev.switchboard.ingress.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.model.ModelRequest;
import dev.switchboard.model.Operation;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OpenAiRequestDecoderTest {

    @Test
    void decodesStreamFlagsAndKeepsUnknownFields() {
        ModelRequest r = decode(Operation.CHAT, """
                {"model":"openai/gpt-4o","stream":true,"stream_options":{"include_usage":true},
                 "messages":[{"role":"user","content":"hi"}],"brand_new_param":{"x":1}}""");
        assertThat(r.model()).isEqualTo("openai/gpt-4o");
        assertThat(r.stream()).isTrue();
        assertThat(r.clientRequestedUsage()).isTrue();
        assertThat(r.body().path("brand_new_param").path("x").asInt()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "not json                | {                                                        | MALFORMED_JSON     | ",
        "array body              | []                                                       | MALFORMED_JSON     | ",
        "empty body              | ''                                                       | MALFORMED_JSON     | ",
        "no model                | {\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}   | MISSING_PARAMETER  | model",
        "model not string        | {\"model\":1,\"messages\":[]}                            | INVALID_PARAMETER  | model",
        "no messages             | {\"model\":\"a/b\"}                                      | MISSING_PARAMETER  | messages",
        "messages not array      | {\"model\":\"a/b\",\"messages\":{}}                      | INVALID_PARAMETER  | messages",
        "empty messages          | {\"model\":\"a/b\",\"messages\":[]}                      | INVALID_PARAMETER  | messages",
        "message without role    | {\"model\":\"a/b\",\"messages\":[{\"content\":\"x\"}]}   | MISSING_PARAMETER  | messages[0].role",
        "unknown role            | {\"model\":\"a/b\",\"messages\":[{\"role\":\"bot\"}]}    | INVALID_PARAMETER  | messages[0].role",
        "content number          | {\"model\":\"a/b\",\"messages\":[{\"role\":\"user\",\"content\":5}]} | INVALID_PARAMETER | messages[0].content",
        "stream not boolean      | {\"model\":\"a/b\",\"stream\":\"yes\",\"messages\":[{\"role\":\"user\"}]} | INVALID_PARAMETER | stream",
        "n zero                  | {\"model\":\"a/b\",\"n\":0,\"messages\":[{\"role\":\"user\"}]} | INVALID_PARAMETER | n",
    })
    void rejectsBadChatRequestsNamingTheParameter(String name, String body, ErrorKind kind, String param) {
        assertThatThrownBy(() -> decode(Operation.CHAT, body))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.kind()).isEqualTo(kind);
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.param()).isEqualTo(param);
                });
    }

    @Test
    void embeddingsNeedInputAndCannotStream() {
        assertThatThrownBy(() -> decode(Operation.EMBEDDINGS, "{\"model\":\"a/b\"}"))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.param()).isEqualTo("input"));
        assertThatThrownBy(() -> decode(Operation.EMBEDDINGS, "{\"model\":\"a/b\",\"input\":\"x\",\"stream\":true}"))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.param()).isEqualTo("stream"));
        assertThat(decode(Operation.EMBEDDINGS, "{\"model\":\"a/b\",\"input\":[\"x\",\"y\"]}").model()).isEqualTo("a/b");
    }

    @Test
    void legacyCompletionsNeedAPrompt() {
        assertThatThrownBy(() -> decode(Operation.COMPLETIONS, "{\"model\":\"a/b\"}"))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.param()).isEqualTo("prompt"));
    }

    @Test
    void errorBodyIsOpenAiShaped() {
        GatewayException e = GatewayException.param(ErrorKind.MISSING_PARAMETER, "model", "Missing required parameter: 'model'.");
        assertThat(new String(OpenAiErrorEncoder.encode(e), StandardCharsets.UTF_8)).isEqualTo(
                "{\"error\":{\"message\":\"Missing required parameter: 'model'.\",\"type\":\"invalid_request_error\","
                        + "\"param\":\"model\",\"code\":\"missing_required_parameter\"}}");
    }

    private static ModelRequest decode(Operation op, String body) {
        return OpenAiRequestDecoder.decode(op, body.getBytes(StandardCharsets.UTF_8));
    }
}
