package dev.switchboard.cache.semantic;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The cheap rules that keep texts whose embeddings are alike but whose answers differ apart. */
class GuardsTest {
    @Test
    void numbersInOrderDigitsAndWordsAlike() {
        assertThat(NumberGuard.signature("what is 2+2")).isEqualTo("2 2");
        assertThat(NumberGuard.signature("What is two plus two?")).isEqualTo("2 2");
        assertThat(NumberGuard.signature("what is 2+3")).isEqualTo("2 3");
        assertThat(NumberGuard.signature("1,000 divided by 8")).isEqualTo("1000 8");
        assertThat(NumberGuard.signature("round 3.14159")).isEqualTo("3.14159");
        assertThat(NumberGuard.signature("which one is better")).isEmpty();
    }

    @Test
    void polarityWordsAndTheirSpellings() {
        assertThat(PolarityGuard.signature("Is coffee good for you?")).isEmpty();
        assertThat(PolarityGuard.signature("Is coffee not good for you?")).isEqualTo("not");
        assertThat(PolarityGuard.signature("Why don't cats like boxes?")).isEqualTo("not");
        assertThat(PolarityGuard.signature("Why don\u2019t cats like boxes?")).isEqualTo("not");
        assertThat(PolarityGuard.signature("a brief poem")).isEqualTo(PolarityGuard.signature("a short poem"));
        assertThat(PolarityGuard.signature("enable dark mode")).isNotEqualTo(PolarityGuard.signature("disable it"));
    }

    @Test
    void unitsAndCalendarWords() {
        assertThat(UnitGuard.signature("Convert 10 miles to kilometers"))
                .isNotEqualTo(UnitGuard.signature("Convert 10 kilometers to miles"));
        assertThat(UnitGuard.signature("5 km")).isEqualTo(UnitGuard.signature("5 kilometres"));
        assertThat(UnitGuard.signature("I'm here")).isEmpty();
        assertThat(CalendarGuard.signature("news on 9 May 2021")).isEqualTo("may");
        assertThat(CalendarGuard.signature("May I ask something?")).isEmpty();
        assertThat(CalendarGuard.signature("in the fall")).isEqualTo(CalendarGuard.signature("in autumn"));
    }

    @Test
    void sameWordsInAnotherOrderAreAnotherQuestion() {
        assertThat(WordOrderGuard.compatible("Convert JSON to YAML.", "Convert YAML to JSON.")).isFalse();
        assertThat(WordOrderGuard.compatible("Convert JSON to YAML.", "convert json to yaml")).isTrue();
        assertThat(WordOrderGuard.compatible("How do I center a div?", "How can I center a div?")).isTrue();
    }
}
