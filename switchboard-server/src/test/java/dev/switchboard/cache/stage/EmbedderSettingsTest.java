package dev.switchboard.cache.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.switchboard.catalogue.ProviderCatalogue;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigLoader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code semantic.embedder}: what a stage's settings say, and each mistake named with a hint. */
class EmbedderSettingsTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static JsonNode yaml(String s) {
        try {
            return YAML.readTree(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static CacheSettings read(String settings, List<String> problems) {
        return CacheSettings.read(yaml(settings), problems);
    }

    private static List<String> problems(String settings) {
        return CacheSettings.problems(yaml(settings));
    }

    @Test
    void withoutAnEmbedderTheBundledModelIsUsed() {
        List<String> problems = new ArrayList<>();
        CacheSettings s = read("semantic: { threshold: 0.9 }", problems);
        assertThat(problems).isEmpty();
        assertThat(s.embedder()).isNull();
    }

    @Test
    void aKnownModelNeedsNoDimensionsAndGetsTheDefaults() {
        List<String> problems = new ArrayList<>();
        CacheSettings s = read("semantic: { threshold: 0.9, embedder: { model: openai/text-embedding-3-small } }", problems);
        assertThat(problems).isEmpty();
        EmbedderSettings e = s.embedder();
        assertThat(e.model()).isEqualTo("openai/text-embedding-3-small");
        assertThat(e.dimensions()).isEqualTo(1536);
        assertThat(e.sendDimensions()).as("not configured: not sent").isFalse();
        assertThat(e.tuning().timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(e.tuning().maxChars()).isEqualTo(EmbedderSettings.DEFAULT_MAX_CHARS);
        assertThat(e.tuning().concurrency()).isEqualTo(EmbedderSettings.DEFAULT_CONCURRENCY);
        assertThat(e.tuning().queue()).isEqualTo(EmbedderSettings.DEFAULT_QUEUE);
        assertThat(s.semanticThreshold()).isEqualTo(0.9);
    }

    @Test
    void aRouteNameWithItsDimensionsAndTunables() {
        List<String> problems = new ArrayList<>();
        CacheSettings s = read("""
                semantic:
                  threshold: 0.92
                  embedder: { model: embed-route, dimensions: 768, timeout: 500ms, max_chars: 4000, concurrency: 4, queue: 0 }
                """, problems);
        assertThat(problems).isEmpty();
        EmbedderSettings e = s.embedder();
        assertThat(e.dimensions()).isEqualTo(768);
        assertThat(e.sendDimensions()).isTrue();
        assertThat(e.tuning()).extracting(t -> t.timeout(), t -> t.maxChars(), t -> t.concurrency(), t -> t.queue())
                .containsExactly(Duration.ofMillis(500), 4000, 4, 0);
    }

    @Test
    void anEmbedderNeedsItsOwnThreshold() {
        assertThat(problems("semantic: { embedder: { model: openai/text-embedding-3-small } }")).singleElement()
                .asString().startsWith("semantic.threshold: required with an embedder");
    }

    @Test
    void mistakesAreNamedWithHints() {
        assertThat(problems("semantic: { embeder: { model: x } }"))
                .containsExactly("semantic: unknown setting 'embeder' (did you mean 'embedder'?)");
        assertThat(problems("semantic: { threshold: 0.9, embedder: { model: openai/text-embedding-3-small, timout: 1s } }"))
                .containsExactly("semantic.embedder: unknown setting 'timout' (did you mean 'timeout'?)");
        assertThat(problems("semantic: { threshold: 0.9, embedder: openai/text-embedding-3-small }")).singleElement().asString()
                .startsWith("semantic.embedder: a mapping");
        assertThat(problems("semantic: { threshold: 0.9, embedder: { dimensions: 768 } }")).singleElement().asString()
                .startsWith("semantic.embedder.model: required");
        assertThat(problems("semantic: { threshold: 0.9, embedder: { model: my-route } }")).singleElement().asString()
                .isEqualTo("semantic.embedder.dimensions: required for 'my-route' (the length of its vectors, e.g. 768)");
        assertThat(problems("semantic: { threshold: 0.9, embedder: { model: m, dimensions: 0 } }")).singleElement().asString()
                .isEqualTo("semantic.embedder.dimensions: a whole number from 1 to 4096");
        assertThat(problems("semantic: { threshold: 0.9, embedder: { model: m, dimensions: 5000 } }")).hasSize(1);
        assertThat(problems("semantic: { threshold: 0.9, embedder: { model: m, dimensions: 1.5 } }")).hasSize(1);
        assertThat(problems("semantic: { threshold: 0.9, embedder: { model: m, dimensions: 8, timeout: 2 } }")).singleElement().asString()
                .startsWith("semantic.embedder.timeout: a duration");
        assertThat(problems("semantic: { threshold: 0.9, embedder: { model: m, dimensions: 8, timeout: 2h } }")).hasSize(1);
        assertThat(problems("semantic: { threshold: 0.9, embedder: { model: m, dimensions: 8, concurrency: 0 } }")).hasSize(1);
        assertThat(problems("semantic: { threshold: 0.9, embedder: { model: m, dimensions: 8, queue: -1 } }")).hasSize(1);
        assertThat(problems("semantic: { threshold: 0.9, embedder: { model: m, dimensions: 8, max_chars: many } }")).hasSize(1);
        assertThat(problems("semantic: { threshold: 0.9, embedder: { model: \"\" , dimensions: 8 } }")).hasSize(1);
    }

    @Test
    void aConfigWithAWrongEmbedderDoesNotLoad() {
        String yaml = """
                version: 1
                providers:
                  - { name: openai, type: openai, api_key: sk-x, models: [gpt-4o, text-embedding-3-small] }
                keys:
                  - { name: tester, key: sk-test-client-key-123 }
                stages:
                  - type: cache
                    settings: { semantic: { embedder: { model: openai/text-embedding-3-small, timeout: soon } } }
                """;
        assertThatThrownBy(() -> new ConfigLoader(ProviderCatalogue.bundled(), Map.<String, String>of()::get).parse(yaml))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).anySatisfy(p -> assertThat(p)
                        .contains("stages[0].settings").contains("semantic.embedder.timeout: a duration")));
    }
}
