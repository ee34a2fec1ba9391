package dev.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.catalogue.ProviderCatalogue;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where the semantic cache's index is kept: beside a SQLite file by default, in memory with PostgreSQL or when asked. */
class StoreConfigTest {
    static StoreConfig store(String store) {
        return new ConfigLoader(ProviderCatalogue.bundled(), Map.<String, String>of()::get).parse("""
                version: 1
                providers: [ { name: p, type: demo } ]
                store: %s
                """.formatted(store)).governance().store();
    }

    @Test
    void theSemanticIndexIsKeptBesideTheSqliteFileUnlessToldOtherwise() {
        assertThat(store("{ url: \"sqlite:/data/sb.db\" }").semanticIndexDir()).isEqualTo("/data/sb.db.semantic-cache");
        assertThat(store("{ url: \"sqlite:/data/sb.db\", semantic_index_dir: /var/cache/sb }").semanticIndexDir())
                .isEqualTo("/var/cache/sb");
        assertThat(store("{ url: \"sqlite:/data/sb.db\", semantic_index_dir: memory }").semanticIndexDir()).isNull();
        assertThat(store("{ url: \"jdbc:postgresql://db/sb\" }").semanticIndexDir()).as("many instances").isNull();
        assertThat(store("{ url: \"jdbc:postgresql://db/sb\", semantic_index_dir: /var/cache/sb }").semanticIndexDir())
                .isEqualTo("/var/cache/sb");
    }
}
