package dev.switchboard.server.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ChoiceCountTest {
    private static long of(String json) {
        return ChoiceCount.of(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void oneUnlessTheBodyAsksForMore() {
        assertThat(of("{\"model\":\"m\",\"messages\":[]}")).isEqualTo(1);
        assertThat(of("{\"model\":\"m\",\"n\":3}")).isEqualTo(3);
        assertThat(of("{\"model\":\"m\",\"n\":0}")).isEqualTo(1);
        assertThat(of("{\"model\":\"m\",\"n\":-5}")).isEqualTo(1);
        assertThat(of("{\"model\":\"m\",\"n\":\"7\"}")).isEqualTo(1); // not a number: the provider refuses it
    }

    @Test
    void bestOfDuplicatesFractionsAndEscapesCountAtTheirLargest() {
        assertThat(of("{\"prompt\":\"x\",\"n\":2,\"best_of\":20}")).isEqualTo(20);
        assertThat(of("{\"n\":1,\"messages\":[],\"n\":50}")).isEqualTo(50);
        assertThat(of("{\"n\":2.5}")).isEqualTo(3);
        assertThat(of("{\"\\u006e\":40}")).isEqualTo(40);
        assertThat(of("{\"n\":1e300}")).isEqualTo(ChoiceCount.MAX);
    }

    @Test
    void nestedFieldsDoNotCount() {
        assertThat(of("{\"messages\":[{\"role\":\"user\",\"content\":\"\\\"n\\\"\",\"n\":9}],\"tools\":{\"n\":8}}")).isEqualTo(1);
        assertThat(of("not json \"n\"")).isEqualTo(1);
    }

    @Test
    void multiplicationSaturates() {
        assertThat(PlanPrices.times(3000, 50)).isEqualTo(150_000);
        assertThat(PlanPrices.times(Long.MAX_VALUE / 2, 10_000)).isEqualTo(PlanPrices.CAP);
        assertThat(PlanPrices.times(10_000_000, 10_000)).isEqualTo(100_000_000_000L);
    }
}
