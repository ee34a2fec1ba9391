package dev.switchboard.cost;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PriceTableTest {
    private final PriceTable table = PriceTable.bundled();

    @Test
    void bundledTableHasTheMainVendors() {
        assertThat(table.size()).isGreaterThan(40);
        for (String model : new String[] {"gpt-4o", "claude-3-5-haiku", "gemini-2.5-flash", "mistral-large",
                "deepseek-chat"}) {
            assertThat(table.find(null, model)).as(model).isPresent();
        }
    }

    @Test
    void dateSuffixedSnapshotsFindTheirFamily() {
        assertThat(table.find("openai", "gpt-4o-2024-08-06")).isEqualTo(table.find("openai", "gpt-4o"));
        assertThat(table.find(null, "gpt-4o-mini-2024-07-18").orElseThrow().inputPerMillion()).isEqualTo(0.15);
        assertThat(table.find(null, "claude-3-5-haiku-20241022").orElseThrow().outputPerMillion()).isEqualTo(4.0);
        assertThat(table.find(null, "mistral-large-2411").orElseThrow().inputPerMillion()).isEqualTo(2.0);
        assertThat(table.find(null, "gpt-4-0613").orElseThrow().inputPerMillion()).isEqualTo(30.0);
    }

    @Test
    void vendorDecorationsAreStripped() {
        assertThat(table.find("bedrock", "us.anthropic.claude-3-haiku-20240307-v1:0").orElseThrow().inputPerMillion())
                .isEqualTo(0.25);
        assertThat(table.find("vertex", "claude-3-5-sonnet@20240620").orElseThrow().inputPerMillion()).isEqualTo(3.0);
        assertThat(table.find("gemini", "gemini-2.5-flash-preview-05-20").orElseThrow().outputPerMillion())
                .isEqualTo(2.5);
        assertThat(table.find(null, "GPT-4o")).isPresent();
    }

    @Test
    void longestFamilyPrefixWinsButOnlyAtAPartBoundary() {
        assertThat(table.find(null, "gpt-4o-mini-search-preview").orElseThrow().inputPerMillion()).isEqualTo(0.15);
        assertThat(table.find(null, "gpt-4.5-preview")).isEmpty();
        assertThat(table.find(null, "unknown-model")).isEmpty();
    }

    @Test
    void providerSpecificEntriesWinForTheirProvider() {
        PriceTable t = table.withOverrides(Map.of("azure/gpt-4o", Price.of(5, 15)));
        assertThat(t.find("azure", "gpt-4o-2024-11-20").orElseThrow().inputPerMillion()).isEqualTo(5.0);
        assertThat(t.find("openai", "gpt-4o").orElseThrow().inputPerMillion()).isEqualTo(2.5);
        assertThat(table.find("groq", "llama-3.3-70b-versatile").orElseThrow().outputPerMillion()).isEqualTo(0.79);
        assertThat(table.find("groq", "openai/gpt-oss-120b").orElseThrow().inputPerMillion()).isEqualTo(0.15);
        assertThat(table.find("openai", "llama-3.3-70b-versatile")).isEmpty();
    }

    @Test
    void optionalPricesDefault() {
        Price p = Price.of(2, 8);
        assertThat(p.cachedInputPerMillion()).isEqualTo(2);
        assertThat(p.cacheWritePerMillion()).isEqualTo(2);
        assertThat(p.reasoningPerMillion()).isEqualTo(8);
    }

    @Test
    void overridesCanBeReadFromYaml() throws Exception {
        var yaml = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                .readTree("models:\n  my-model: {input: 1.5, output: 3, reasoning: 6}\n");
        PriceTable t = table.withOverrides(PriceTable.parse(yaml));
        Price p = t.find("local", "my-model-2025-01-01").orElseThrow();
        assertThat(p.reasoningPerMillion()).isEqualTo(6);
        assertThat(p.cachedInputPerMillion()).isEqualTo(1.5);
    }
}
