package dev.switchboard.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OpenAiAnswerModelTest {
    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void anAnswerThatNamesItsModelIsTheSameArray() {
        byte[] body = bytes("{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\" : \"gpt-4o-2024-08-06\",\"choices\":[]}");
        assertThat(OpenAiAnswerModel.named(body, "gpt-4o")).isSameAs(body);
        String chunk = "{\"id\":\"c\",\"model\":\"m\",\"choices\":[]}";
        assertThat(OpenAiAnswerModel.namedChunk(chunk, "gpt-4o")).isSameAs(chunk);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"id\":\"c\",\"created\":1,\"choices\":[{\"message\":{\"content\":\"model\"}}]}",
            "{\"id\":\"c\",\"created\":1,\"model\":null,\"choices\":[]}",
            "{\"id\":\"c\",\"created\":1,\"model\":\"\",\"choices\":[]}",
            "{\"id\":\"c\",\"created\":1,\"choices\":[{\"message\":{\"content\":\"say \\\"model\\\": x\"}}]}",
            // a "model" inside the answer (a provider's own metadata) is not the answer's model
            "{\"id\":\"c\",\"created\":1,\"choices\":[{\"message\":{\"content\":\"hi\"},\"meta\":{\"model\":\"inner\"}}]}",
            "{\"id\":\"c\",\"created\":1,\"choices\":[],\"x\":[{\"model\" : \"inner\"}],\"model\":null}",
    })
    void anAnswerWithoutAModelNameGetsTheTargetsAfterCreated(String answer) {
        String named = new String(OpenAiAnswerModel.named(bytes(answer), "gpt-4o"), StandardCharsets.UTF_8);
        assertThat(named).startsWith("{\"id\":\"c\",\"created\":1,\"model\":\"gpt-4o\",");
        assertThat(OpenAiAnswerModel.namedChunk(answer, "gpt-4o")).isEqualTo(named);
    }

    @Test
    void theTopLevelNameIsKeptWhenAnInnerModelIsEmpty() {
        byte[] body = bytes("{\"id\":\"c\",\"choices\":[{\"meta\":{\"model\":null}}],\"model\":\"gpt-4o-2024-08-06\"}");
        assertThat(OpenAiAnswerModel.named(body, "gpt-4o")).as("the provider's own name, untouched").isSameAs(body);
        String chunk = "{\"id\":\"c\",\"choices\":[{\"delta\":{\"model\":\"\"}}],\"model\":\"m\"}";
        assertThat(OpenAiAnswerModel.namedChunk(chunk, "gpt-4o")).isSameAs(chunk);
    }

    @Test
    void unknownTargetModelOrNonObjectsAreLeftAlone() {
        byte[] body = bytes("{\"id\":\"c\"}");
        assertThat(OpenAiAnswerModel.named(body, "")).isSameAs(body);
        byte[] list = bytes("[1,2]");
        assertThat(OpenAiAnswerModel.named(list, "gpt-4o")).isSameAs(list);
        assertThat(OpenAiAnswerModel.namedChunk("{not json", "gpt-4o")).isEqualTo("{not json");
        assertThat(OpenAiAnswerModel.namedChunk("{\"id\":\"c\",\"choices\":[]}", "gpt-4o"))
                .isEqualTo("{\"id\":\"c\",\"choices\":[],\"model\":\"gpt-4o\"}");
        String error = "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}";
        assertThat(OpenAiAnswerModel.namedChunk(error, "gpt-4o")).as("an error event is no answer").isSameAs(error);
    }
}
