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

    @Test
    void proTiersNeverTakeTheirBaseFamilysPrice() {
        assertThat(table.find("openai", "o1-pro").orElseThrow().outputPerMillion()).isEqualTo(600.0);
        assertThat(table.find("openai", "o3-pro-2025-06-10").orElseThrow().inputPerMillion()).isEqualTo(20.0);
        assertThat(table.find("openai", "gpt-5-pro").orElseThrow().outputPerMillion()).isEqualTo(120.0);
        // an unknown -pro variant is unpriced rather than priced as its (cheaper) base
        assertThat(table.find("openai", "gpt-4.1-pro")).isEmpty();
        // a part that merely starts with "pro" is not a tier
        PriceTable t = table.withOverrides(Map.of("acme", Price.of(1, 2)));
        assertThat(t.find(null, "acme-protector")).isPresent();
    }

    @Test
    void googleResourceNamesPriceAsTheModel() {
        Price pro = table.find("gem", "gemini-2.5-pro").orElseThrow();
        assertThat(table.find("gem", "models/gemini-2.5-pro")).contains(pro);
        assertThat(table.find("gem", "Models/Gemini-2.5-Pro")).contains(pro);
        assertThat(table.find("vertex", "publishers/google/models/gemini-2.5-pro")).contains(pro);
        assertThat(table.find("vertex", "projects/p1/locations/us-central1/publishers/google/models/gemini-2.5-pro"))
                .contains(pro);
        assertThat(table.find("gem", "models/")).isEmpty();
    }

    @Test
    void fallbackPricesApplyOnlyWhenNothingElseMatches() {
        PriceTable t = table.withOverrides(Map.of("*", Price.of(50, 100), "local/*", Price.of(7, 9)));
        assertThat(t.find("openai", "ft:gpt-4o-mini:acme::abc").orElseThrow().inputPerMillion()).isEqualTo(50.0);
        assertThat(t.find("local", "my-fine-tune").orElseThrow().inputPerMillion()).isEqualTo(7.0);
        assertThat(t.find("local", "gpt-4o").orElseThrow().inputPerMillion()).isEqualTo(2.5);
        assertThat(table.find("openai", "ft:gpt-4o-mini:acme::abc")).isEmpty();
    }

    @Test
    void oneHourCacheWritesHaveTheirOwnPrice() throws Exception {
        Price sonnet = table.find("anthropic", "claude-sonnet-4-5").orElseThrow();
        assertThat(sonnet.cacheWritePerMillion()).isEqualTo(3.75);
        assertThat(sonnet.cacheWrite1hPerMillion()).isEqualTo(6.0);
        assertThat(Price.of(2, 8).cacheWrite1hPerMillion()).isEqualTo(2);
        var yaml = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                .readTree("models:\n  m: {input: 1, output: 3, cache_write: 1.25, cache_write_1h: 2}\n");
        assertThat(PriceTable.parse(yaml).get("m").cacheWrite1hPerMillion()).isEqualTo(2);
    }

    @Test
    void canonicalNamesAreOneSpellingPerModel() {
        assertThat(ModelNames.canonical("models/gemini-2.5-flash")).isEqualTo("gemini-2.5-flash");
        assertThat(ModelNames.canonical(" Gemini-2.5-Flash ")).isEqualTo("gemini-2.5-flash");
        assertThat(ModelNames.canonical("openai/gpt-oss-120b")).isEqualTo("openai/gpt-oss-120b");
        String plain = "gpt-4o";
        assertThat(ModelNames.canonical(plain)).isSameAs(plain);
    }
}
