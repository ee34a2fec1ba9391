package dev.switchboard.routing.condition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RouteMetadataTest {

    @Test
    void pairsSeparatedByCommasOrSemicolons() {
        assertThat(RouteMetadata.parse("tier=gold, region = eu ;n=3"))
                .containsExactly(entry("tier", "gold"), entry("region", "eu"), entry("n", "3"));
    }

    @Test
    void quotedValuesKeepSeparatorsSpacesAndEscapes() {
        assertThat(RouteMetadata.parse("team=\"data, science; ml\"; note=' two  words ', q=\"say \\\"hi\\\"\""))
                .containsExactly(entry("team", "data, science; ml"), entry("note", " two  words "), entry("q", "say \"hi\""));
    }

    @Test
    void quotedKeysLoseTheirQuotes() {
        assertThat(RouteMetadata.parse("\"tier\"=gold; 'region' = eu; \"=x")).containsExactly(entry("tier", "gold"), entry("region", "eu"),
                entry("\"", "x"));
    }

    @Test
    void emptyValuesAndLaterDuplicates() {
        assertThat(RouteMetadata.parse("a=, b=1, b=2")).containsExactly(entry("a", ""), entry("b", "2"));
    }

    @Test
    void aJsonObjectWithScalarsAndNestedValues() {
        assertThat(RouteMetadata.parse(" {\"tier\":\"gold\",\"n\":3,\"ratio\":0.50,\"vip\":true,\"gone\":null,"
                + "\"tags\":[\"a\",\"b\"],\"owner\":{\"team\":\"ml\"}} "))
                .containsExactly(entry("tier", "gold"), entry("n", "3"), entry("ratio", "0.50"), entry("vip", "true"),
                        entry("tags", "[\"a\",\"b\"]"), entry("owner", "{\"team\":\"ml\"}"));
    }

    @Test
    void brokenJsonKeepsWhatCameBeforeTheDamage() {
        assertThat(RouteMetadata.parse("{\"tier\":\"gold\",\"n\":")).containsExactly(entry("tier", "gold"));
        assertThat(RouteMetadata.parse("{\"tier\":\"gold\",\"n\":3 garbage")).containsExactly(entry("tier", "gold"), entry("n", "3"));
        assertThat(RouteMetadata.parse("{nope")).isEmpty();
    }

    @Test
    void malformedPairsAreSkippedNotFatal() {
        assertThat(RouteMetadata.parse("junk, =orphan, tier=gold,,;; x=\"unterminated"))
                .containsExactly(entry("tier", "gold"), entry("x", "unterminated"));
        assertThat(RouteMetadata.parse("a=\"b\"trailing, c=d")).containsExactly(entry("a", "b"), entry("c", "d"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", ",;,", "=", "\"", "{", "}", "[1,2]", "==="})
    void nothingUsableGivesAnEmptyMap(String header) {
        assertThat(RouteMetadata.parse(header)).isEmpty();
    }

    @Test
    void nullGivesAnEmptyMap() {
        assertThat(RouteMetadata.parse(null)).isEmpty();
    }
}
