package dev.switchboard.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fakes' stand-in for a model filling a schema: deterministic, and valid for the schemas clients send. */
class SchemaSampleTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    @Test
    void fillsEveryKindOfProperty() throws Exception {
        JsonNode schema = json("""
                {"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer","minimum":-9007199254740991},
                 "height":{"type":"number"},"tags":{"type":"array","items":{"type":"string"}},
                 "mood":{"type":"string","enum":["happy","sad"]},"active":{"type":"boolean"},
                 "nick":{"anyOf":[{"type":"null"},{"type":"string"}]},"pet":{"$ref":"#/$defs/pet"}},
                 "$defs":{"pet":{"type":"object","properties":{"kind":{"const":"cat"}}}}}""");

        assertThat(SchemaSample.of(schema, 1)).isEqualTo(json("""
                {"name":"name-1","age":1,"height":1.5,"tags":["tags-1"],"mood":"happy","active":true,"nick":"nick-1",
                 "pet":{"kind":"cat"}}"""));
    }

    @Test
    void aSecondCallDiffers() throws Exception {
        JsonNode schema = json("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},\"unit\":{\"enum\":[\"c\",\"f\"]}}}");

        assertThat(SchemaSample.of(schema, 2)).isEqualTo(json("{\"city\":\"city-2\",\"unit\":\"f\"}"));
    }

    @Test
    void readsGeminisUpperCaseTypes() throws Exception {
        JsonNode schema = json("{\"type\":\"OBJECT\",\"properties\":{\"n\":{\"type\":\"INTEGER\"},\"ok\":{\"type\":\"BOOLEAN\"}}}");

        assertThat(SchemaSample.of(schema, 1)).isEqualTo(json("{\"n\":1,\"ok\":true}"));
    }

    @Test
    void toolPlayMakesTwoCallsOnlyWhenAskedForBothAndAllowed() throws Exception {
        List<ToolPlay.Tool> tools = List.of(new ToolPlay.Tool("get_weather",
                json("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}")), new ToolPlay.Tool("get_time", json("{}")));

        assertThat(ToolPlay.calls(tools, null, true, "Weather in both Paris and Tokyo?")).hasSize(2);
        assertThat(ToolPlay.calls(tools, null, false, "Weather in both Paris and Tokyo?")).hasSize(1);
        assertThat(ToolPlay.calls(tools, null, true, "Weather in Paris?")).hasSize(1);
        assertThat(ToolPlay.calls(tools, null, true, "call get_time")).extracting(ToolPlay.Call::name).containsExactly("get_time");
        assertThat(ToolPlay.calls(tools, "get_time", true, "both")).extracting(ToolPlay.Call::name).containsExactly("get_time");
        assertThat(ToolPlay.calls(List.of(), null, true, "both")).isEmpty();
    }
}
