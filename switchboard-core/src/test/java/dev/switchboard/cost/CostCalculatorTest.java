package dev.switchboard.cost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.usage.Usage;
import org.junit.jupiter.api.Test;

class CostCalculatorTest {
    private final PriceTable table = PriceTable.bundled();

    @Test
    void gpt4oChargesCachedInputAtTheCachedPrice() {
        Price p = table.find("openai", "gpt-4o").orElseThrow();
        // 800 plain input x 2.50 + 200 cached x 1.25 + 500 output x 10.00
        assertThat(CostCalculator.microUsd(p, new Usage(1000, 500, 1500, 200, 0))).isEqualTo(2000 + 250 + 5000);
    }

    @Test
    void reasoningTokensArePartOfTheCompletionAndNotCountedTwice() {
        Price p = table.find(null, "o3-mini").orElseThrow();
        // 1000 plain x 1.10 + 1000 cached x 0.55 + 500 visible output x 4.40 + 2500 reasoning x 4.40
        assertThat(CostCalculator.microUsd(p, new Usage(2000, 3000, 5000, 1000, 2500)))
                .isEqualTo(1100 + 550 + 2200 + 11000);
    }

    @Test
    void anthropicCacheWritesArePricedApart() {
        Price p = table.find("anthropic", "claude-3-5-sonnet-20241022").orElseThrow();
        // prompt 10000 = 4000 plain x 3 + 4000 reads x 0.30 + 2000 writes x 3.75; 1000 output x 15
        assertThat(CostCalculator.microUsd(p, new Usage(10000, 1000, 11000, 4000, 0), 2000))
                .isEqualTo(12000 + 1200 + 7500 + 15000);
    }

    @Test
    void fractionalPricesRoundUpToWholeMicroUsd() {
        Price p = table.find(null, "gpt-4o-mini").orElseThrow();
        // 3 x 0.15 + 1 x 0.60 = 1.05 micro-USD -> 2
        assertThat(CostCalculator.microUsd(p, new Usage(3, 1, 4, 0, 0))).isEqualTo(2);
        assertThat(CostCalculator.microUsd(p, new Usage(1000, 0, 1000, 0, 0))).isEqualTo(150);
    }

    @Test
    void worstCaseUsesInputAndMaxOutput() {
        Price p = table.find(null, "gpt-4o-mini").orElseThrow();
        assertThat(CostCalculator.worstCaseMicroUsd(p, 1000, 500)).isEqualTo(150 + 300);
        Price sonnet = table.find(null, "claude-sonnet-4-5").orElseThrow();
        // input priced at the dearest cache-write price (1-hour: 6.00) for the worst case
        assertThat(CostCalculator.worstCaseMicroUsd(sonnet, 1000, 100)).isEqualTo(6000 + 1500);
    }

    @Test
    void nonsenseCountsDoNotGoNegative() {
        Price p = Price.of(1, 2);
        assertThat(CostCalculator.microUsd(p, new Usage(10, 5, 15, 50, 50))).isEqualTo(10 + 10);
    }

    @Test
    void cacheWritesInTheUsageArePricedByTheirTtl() {
        Price p = table.find("anthropic", "claude-sonnet-4-5").orElseThrow();
        // prompt 10000 = 4000 plain x 3 + 1000 reads x 0.30 + 3000 5-minute writes x 3.75 + 2000 1-hour writes x 6
        Usage u = new Usage(10000, 1000, 11000, 1000, 0, 5000, 2000);
        assertThat(CostCalculator.microUsd(p, u)).isEqualTo(12000 + 300 + 11250 + 12000 + 15000);
        // a 1-hour count larger than the writes is clamped to them
        assertThat(CostCalculator.microUsd(p, new Usage(100, 0, 100, 0, 0, 10, 50))).isEqualTo(90 * 3 + 10 * 6);
    }
}
