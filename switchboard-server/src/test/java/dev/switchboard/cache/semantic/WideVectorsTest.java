package dev.switchboard.cache.semantic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.cache.CacheKey;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A provider's vectors are longer than Lucene's default bound of 1,024: the index takes them (up to 4,096). */
class WideVectorsTest {
    @Test
    void vectorsOfOpenAisLargeModelAreIndexedAndFound() {
        int dims = 3072;
        try (LuceneSemanticIndex index = new LuceneSemanticIndex(dims, 100, 64L << 20)) {
            float[] a = new float[dims];
            a[7] = 1;
            float[] b = new float[dims];
            b[9] = 1;
            assertThat(index.add("p", a, "first", new CacheKey("ns", "m", "k1"), Duration.ofMinutes(1))).isTrue();
            assertThat(index.add("p", b, "second", new CacheKey("ns", "m", "k2"), Duration.ofMinutes(1))).isTrue();
            SemanticIndex.Match m = index.nearest("p", a);
            assertThat(m.text()).isEqualTo("first");
            assertThat(m.score()).isGreaterThan(0.99f);
        }
        assertThatThrownBy(() -> new LuceneSemanticIndex(WideVectors.MAX_DIMENSIONS + 1, 10, 1 << 20))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
