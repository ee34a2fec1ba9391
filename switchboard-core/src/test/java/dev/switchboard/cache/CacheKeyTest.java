package dev.switchboard.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.ingress.anthropic.AnthropicIngress;
import dev.switchboard.ingress.openai.OpenAiIngress;
import dev.switchboard.json.Json;
import dev.switchboard.model.ModelRequest;
import dev.switchboard.model.Operation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CacheKeyTest {
    private static final String BASE = """
            {"model":"fast","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"What is 2+2?"}],
             "temperature":0,"max_tokens":100}""";

    static ModelRequest openai(String json) {
        return OpenAiIngress.INSTANCE.decode(Operation.CHAT, json.getBytes(StandardCharsets.UTF_8));
    }

    static String key(String json) {
        return CacheKey.of("team:a", openai(json)).hash();
    }

    @Test
    void keyOrderWhitespaceAndNumberSpellingDoNotMatter() {
        String reordered = """
                { "max_tokens" : 1.00e2 ,
                  "temperature": 0.0,
                  "messages": [ {"content":"Be brief.", "role":"system"}, {"content":"What is 2+2?","role":"user"} ],
                  "model": "fast" }""";
        assertThat(key(reordered)).isEqualTo(key(BASE)).hasSize(64).matches("[0-9a-f]{64}");
    }

    /**
     * Keys are shared by instances of different versions (Redis) and outlive a restart: a change to how they are
     * computed must change the version tag in CacheKey, and this value with it.
     */
    @Test
    void keysAreStableAcrossVersions() {
        assertThat(key(BASE)).isEqualTo("dd87dc56452359e0844a7913e4a52d87129bbd64359c358f558ef42a9766b6d9");
    }

    /** Any order of any object's keys, at any depth, and any indentation: one key. */
    @Test
    void shuffledAtEveryDepth() throws Exception {
        String rich = """
                {"model":"fast","temperature":0,"seed":3,"response_format":{"type":"json_schema","json_schema":{"name":"r",
                 "schema":{"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"array","items":{"type":"string"}}}}}},
                 "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"x":{"type":"number"}}}}}],
                 "messages":[{"role":"user","content":[{"type":"text","text":"hi"},{"type":"image_url","image_url":{"url":"data:x","detail":"low"}}]},
                             {"role":"assistant","content":null,"tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]},
                             {"role":"tool","tool_call_id":"c","content":"42"}]}""";
        JsonNode tree = Json.MAPPER.readTree(rich);
        String expected = key(rich);
        Random random = new Random(11);
        for (int i = 0; i < 50; i++) {
            String shuffled = Json.MAPPER.writer(i % 2 == 0
                    ? new DefaultPrettyPrinter() : null).writeValueAsString(shuffle(tree, random));
            assertThat(key(shuffled)).isEqualTo(expected);
        }
    }

    private static JsonNode shuffle(JsonNode n, Random random) {
        if (n.isObject()) {
            List<String> names = new ArrayList<>();
            n.fieldNames().forEachRemaining(names::add);
            Collections.shuffle(names, random);
            ObjectNode out = Json.MAPPER.createObjectNode();
            for (String name : names) {
                out.set(name, shuffle(n.get(name), random));
            }
            return out;
        }
        if (n.isArray()) {
            ArrayNode out = Json.MAPPER.createArrayNode();
            n.forEach(e -> out.add(shuffle(e, random)));
            return out;
        }
        return n;
    }

    @Test
    void everythingThatDecidesTheAnswerChangesTheKey() {
        String base = key(BASE);
        assertThat(key(BASE.replace("2+2", "2+3"))).isNotEqualTo(base);
        assertThat(key(BASE.replace("Be brief.", "Be verbose."))).isNotEqualTo(base);
        assertThat(key(BASE.replace("\"fast\"", "\"smart\""))).isNotEqualTo(base);
        assertThat(key(BASE.replace("\"temperature\":0", "\"temperature\":0.5"))).isNotEqualTo(base);
        assertThat(key(BASE.replace("\"max_tokens\":100", "\"max_tokens\":101"))).isNotEqualTo(base);
        assertThat(key(BASE.replace("\"max_tokens\":100", "\"max_completion_tokens\":100"))).isNotEqualTo(base);
        for (String extra : new String[] {"\"top_p\":0.9", "\"seed\":7", "\"response_format\":{\"type\":\"json_object\"}",
                "\"stop\":[\"\\n\"]", "\"n\":2", "\"presence_penalty\":1", "\"frequency_penalty\":1",
                "\"logit_bias\":{\"50256\":-100}", "\"logprobs\":true", "\"reasoning_effort\":\"low\"",
                "\"parallel_tool_calls\":false", "\"some_new_field\":1",
                "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{}}}]"}) {
            assertThat(key(BASE.replace("\"max_tokens\":100", "\"max_tokens\":100," + extra))).as(extra).isNotEqualTo(base);
        }
        // a message's role and its place in the conversation count
        assertThat(key(BASE.replace("\"role\":\"system\"", "\"role\":\"developer\""))).isNotEqualTo(base);
    }

    @Test
    void fieldsThatDoNotChangeTheAnswerAreLeftOut() {
        String base = key(BASE);
        for (String extra : new String[] {"\"stream\":true", "\"stream_options\":{\"include_usage\":true}",
                "\"user\":\"u-42\"", "\"safety_identifier\":\"s\"", "\"metadata\":{\"a\":\"b\"}", "\"store\":true",
                "\"service_tier\":\"flex\"", "\"prompt_cache_key\":\"k\"", "\"top_p\":null"}) {
            assertThat(key(BASE.replace("\"max_tokens\":100", "\"max_tokens\":100," + extra))).as(extra).isEqualTo(base);
        }
    }

    @Test
    void aStringContentIsItsOneTextPartAndCacheMarkersAreLeftOut() {
        String parts = BASE.replace("\"content\":\"What is 2+2?\"",
                "\"content\":[{\"type\":\"text\",\"text\":\"What is 2+2?\",\"cache_control\":{\"type\":\"ephemeral\"}}]");
        assertThat(key(parts)).isEqualTo(key(BASE));
        // two parts are not one string
        String two = BASE.replace("\"content\":\"What is 2+2?\"",
                "\"content\":[{\"type\":\"text\",\"text\":\"What is \"},{\"type\":\"text\",\"text\":\"2+2?\"}]");
        assertThat(key(two)).isNotEqualTo(key(BASE));
    }

    @Test
    void aSchemaPropertyNamedCacheControlStillCounts() {
        String with = BASE.replace("\"max_tokens\":100", "\"max_tokens\":100,\"tools\":[{\"type\":\"function\","
                + "\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\",\"properties\":{\"cache_control\":{\"type\":\"string\"}}}}}]");
        String without = BASE.replace("\"max_tokens\":100", "\"max_tokens\":100,\"tools\":[{\"type\":\"function\","
                + "\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\",\"properties\":{}}}}]");
        assertThat(key(with)).isNotEqualTo(key(without));
    }

    @Test
    void tenantsNeverShareAKey() {
        ModelRequest r = openai(BASE);
        CacheKey a = CacheKey.of("key:1", r);
        CacheKey b = CacheKey.of("key:2", r);
        CacheKey shared = CacheKey.of("shared", r);
        assertThat(a.hash()).isNotEqualTo(b.hash()).isNotEqualTo(shared.hash());
        assertThat(a.namespace()).isEqualTo("key:1");
        assertThat(a.model()).isEqualTo("fast");
        // the namespace is length-prefixed: no shifting of characters between it and the model collides
        assertThat(CacheKey.of("ab", openai(BASE.replace("\"fast\"", "\"c\""))).hash())
                .isNotEqualTo(CacheKey.of("a", openai(BASE.replace("\"fast\"", "\"bc\""))).hash());
    }

    @Test
    void theOperationCounts() {
        byte[] body = "{\"model\":\"fast\",\"prompt\":\"hi\",\"temperature\":0}".getBytes(StandardCharsets.UTF_8);
        ModelRequest completions = OpenAiIngress.INSTANCE.decode(Operation.COMPLETIONS, body);
        byte[] emb = "{\"model\":\"fast\",\"input\":\"hi\"}".getBytes(StandardCharsets.UTF_8);
        ModelRequest embeddings = OpenAiIngress.INSTANCE.decode(Operation.EMBEDDINGS, emb);
        assertThat(CacheKey.of("shared", completions).hash()).isNotEqualTo(CacheKey.of("shared", embeddings).hash());
    }

    @Test
    void anAnthropicRequestAndTheSameOpenAiRequestShareAKey() {
        String anthropic = """
                {"model":"fast","max_tokens":100,"system":"Be brief.","temperature":0,"stream":true,
                 "metadata":{"user_id":"u-1"},
                 "messages":[{"role":"user","content":[{"type":"text","text":"What is 2+2?","cache_control":{"type":"ephemeral"}}]},
                             {"role":"assistant","content":"4"},
                             {"role":"user","content":"And 3+3?"}],
                 "tools":[{"name":"calc","description":"adds","input_schema":{"type":"object","properties":{"a":{"type":"number"}}}}],
                 "tool_choice":{"type":"auto"}}""";
        String openai = """
                {"model":"fast","temperature":0.0,"max_tokens":100,
                 "messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"What is 2+2?"},
                             {"role":"assistant","content":"4"},{"role":"user","content":"And 3+3?"}],
                 "tool_choice":"auto",
                 "tools":[{"type":"function","function":{"name":"calc","description":"adds",
                           "parameters":{"properties":{"a":{"type":"number"}},"type":"object"}}}]}""";
        ModelRequest a = AnthropicIngress.INSTANCE.decode(Operation.CHAT, anthropic.getBytes(StandardCharsets.UTF_8));
        ModelRequest o = OpenAiIngress.INSTANCE.decode(Operation.CHAT, openai.getBytes(StandardCharsets.UTF_8));
        assertThat(CacheKey.of("team:a", a)).isEqualTo(CacheKey.of("team:a", o));
        assertThat(CacheKey.semanticParts("team:a", a)).isEqualTo(CacheKey.semanticParts("team:a", o));
        // and a real difference still shows through the translation
        ModelRequest hotter = AnthropicIngress.INSTANCE.decode(Operation.CHAT,
                anthropic.replace("\"temperature\":0", "\"temperature\":1").getBytes(StandardCharsets.UTF_8));
        assertThat(CacheKey.of("team:a", hotter)).isNotEqualTo(CacheKey.of("team:a", o));
    }

    @Test
    void semanticPartsSplitTheLastUserTextFromWhatMustMatchExactly() {
        CacheKey.SemanticParts four = CacheKey.semanticParts("team:a", openai(BASE));
        CacheKey.SemanticParts five = CacheKey.semanticParts("team:a", openai(BASE.replace("2+2", "2+3")));
        assertThat(four.text()).isEqualTo("What is 2+2?");
        assertThat(five.text()).isEqualTo("What is 2+3?");
        assertThat(four.context()).isEqualTo(five.context());
        assertThat(four.context().hash()).isNotEqualTo(CacheKey.of("team:a", openai(BASE)).hash());
        // a different system prompt, parameter, tenant or earlier turn is another context
        assertThat(CacheKey.semanticParts("team:a", openai(BASE.replace("Be brief.", "Be rude."))).context()).isNotEqualTo(four.context());
        assertThat(CacheKey.semanticParts("team:a", openai(BASE.replace("\"max_tokens\":100", "\"max_tokens\":10"))).context())
                .isNotEqualTo(four.context());
        assertThat(CacheKey.semanticParts("team:b", openai(BASE)).context()).isNotEqualTo(four.context());
        String earlier = BASE.replace("{\"role\":\"user\"", "{\"role\":\"user\",\"content\":\"hello\"},{\"role\":\"assistant\",\"content\":\"hi\"},{\"role\":\"user\"");
        CacheKey.SemanticParts longer = CacheKey.semanticParts("team:a", openai(earlier));
        assertThat(longer.text()).isEqualTo("What is 2+2?");
        assertThat(longer.context()).isNotEqualTo(four.context());
    }

    @Test
    void semanticPartsNeedATextOnlyLastUserMessage() {
        String image = BASE.replace("\"content\":\"What is 2+2?\"", "\"content\":[{\"type\":\"text\",\"text\":\"What is this?\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/a.png\"}}]");
        assertThat(CacheKey.semanticParts("shared", openai(image))).isNull();
        String parts = BASE.replace("\"content\":\"What is 2+2?\"", "\"content\":[{\"type\":\"text\",\"text\":\"What is 2+2?\"}]");
        assertThat(CacheKey.semanticParts("shared", openai(parts))).isEqualTo(CacheKey.semanticParts("shared", openai(BASE)));
        String noUser = "{\"model\":\"fast\",\"messages\":[{\"role\":\"system\",\"content\":\"x\"}]}";
        assertThat(CacheKey.semanticParts("shared", openai(noUser))).isNull();
    }

    @Test
    void aOneMebibyteRequestIsHashedQuickly() {
        StringBuilder sb = new StringBuilder("{\"model\":\"fast\",\"temperature\":0,\"messages\":[");
        int turns = 0;
        while (sb.length() < 1024 * 1024) {
            sb.append(turns == 0 ? "" : ",").append("{\"role\":\"").append(turns % 2 == 0 ? "user" : "assistant")
                    .append("\",\"content\":\"").append(("turn " + turns + " — some text with ünïcödé and numbers 3.14 ").repeat(40))
                    .append("\"}");
            turns++;
        }
        sb.append(",{\"role\":\"user\",\"content\":\"the question\"}]}");
        byte[] body = sb.toString().getBytes(StandardCharsets.UTF_8);
        ModelRequest r = OpenAiIngress.INSTANCE.decode(Operation.CHAT, body);
        String first = CacheKey.of("shared", r).hash();
        for (int i = 0; i < 30; i++) { // warm up
            CacheKey.of("shared", r);
            CacheKey.semanticParts("shared", r);
        }
        int runs = 50;
        long t0 = System.nanoTime();
        for (int i = 0; i < runs; i++) {
            assertThat(CacheKey.of("shared", r).hash()).isEqualTo(first);
        }
        long exact = (System.nanoTime() - t0) / runs;
        t0 = System.nanoTime();
        for (int i = 0; i < runs; i++) {
            CacheKey.semanticParts("shared", r);
        }
        long semantic = (System.nanoTime() - t0) / runs;
        System.out.printf("CacheKey of a %d-byte request (%d messages): exact %.2f ms, semantic parts %.2f ms%n",
                body.length, turns + 1, exact / 1e6, semantic / 1e6);
        assertThat(exact).isLessThan(200_000_000L); // a sanity bound for a shared CI core, not the measurement
    }
}
