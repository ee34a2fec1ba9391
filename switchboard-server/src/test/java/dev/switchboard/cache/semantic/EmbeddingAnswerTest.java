package dev.switchboard.cache.semantic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Only an answer with exactly the model's number of finite numbers gives a vector. */
class EmbeddingAnswerTest {
    private static float[] read(String body, int dims) throws EmbeddingAnswer.Malformed {
        return EmbeddingAnswer.vector(body.getBytes(StandardCharsets.UTF_8), dims);
    }

    private static void malformed(String body, int dims) {
        assertThatThrownBy(() -> read(body, dims)).as(body).isInstanceOf(EmbeddingAnswer.Malformed.class);
    }

    @Test
    void openAisShapeIsRead() throws Exception {
        assertThat(read("{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":[0.5,-1,2e-3]}],"
                + "\"model\":\"m\",\"usage\":{\"prompt_tokens\":2,\"total_tokens\":2}}", 3)).containsExactly(0.5f, -1f, 0.002f);
        assertThat(read("{\"usage\":{\"x\":[1,2]},\"data\":[{\"index\":0,\"extra\":{\"a\":[1]},\"embedding\":[1,2]}]}", 2))
                .containsExactly(1f, 2f);
    }

    @Test
    void anythingElseIsMalformed() {
        malformed("", 2);
        malformed("[]", 2);
        malformed("<html>502</html>", 2);
        malformed("{\"data\":[]}", 2);
        malformed("{\"data\":{}}", 2);
        malformed("{\"nodata\":[{\"embedding\":[1,2]}]}", 2);
        malformed("{\"data\":[{\"embedding\":\"AACAPwAAAEA=\"}]}", 2); // base64: never asked for
        malformed("{\"data\":[{\"embedding\":[1,2,3]}]}", 2);
        malformed("{\"data\":[{\"embedding\":[1]}]}", 2);
        malformed("{\"data\":[{\"embedding\":[1,\"2\"]}]}", 2);
        malformed("{\"data\":[{\"embedding\":[1,null]}]}", 2);
        malformed("{\"data\":[{\"embedding\":[1,NaN]}]}", 2);
        malformed("{\"data\":[{\"embedding\":[1,1e999]}]}", 2);
        malformed("{\"data\":[{\"embedding\":[0,0]}]}", 2);
        malformed("{\"data\":[{\"embedding\":[1,[2]]}]}", 2);
        malformed("{\"data\":[{\"embedding\":[1,2", 2);
        malformed("{\"data\":[{\"embedding\":[1,2]}]}" + " ".repeat(EmbeddingAnswer.maxBytes(2)), 2);
    }
}
