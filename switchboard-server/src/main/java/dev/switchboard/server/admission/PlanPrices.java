package dev.switchboard.server.admission;

import dev.switchboard.cost.CostCalculator;
import dev.switchboard.cost.Price;
import dev.switchboard.cost.PriceTable;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.routing.RoutePlan;
import dev.switchboard.routing.Target;
import java.util.Optional;

/**
 * The prices of the targets a plan may reach, for sizing its reservation: the worst case is the dearest target's.
 * A target without a price (and no fallback price) cannot be charged, so a request that a budget applies to is
 * refused ({@link #notPriced}) rather than admitted at $0.
 */
public final class PlanPrices {
    /** A cap far above any budget, so sums of worst cases never overflow the counters (micro-USD or tokens). */
    public static final long CAP = 1_000_000_000_000_000L;

    private final Price[] prices;
    private final Target unpriced;

    private PlanPrices(Price[] prices, Target unpriced) {
        this.prices = prices;
        this.unpriced = unpriced;
    }

    public static PlanPrices of(RoutePlan plan, PriceTable table) {
        Price[] prices = new Price[plan.targets().size()];
        Target unpriced = null;
        for (int i = 0; i < prices.length; i++) {
            Target t = plan.targets().get(i).target();
            Optional<Price> p = table.find(t.provider().name(), t.upstreamModel());
            if (p.isPresent()) {
                prices[i] = p.get();
            } else if (unpriced == null) {
                unpriced = t;
            }
        }
        return new PlanPrices(prices, unpriced);
    }

    /** The first target without a price, or null when every target has one. */
    public Target unpriced() {
        return unpriced;
    }

    /** The refusal for a budgeted request whose plan may reach {@link #unpriced()}. */
    public GatewayException notPriced() {
        String provider = unpriced.provider().name();
        return GatewayException.param(ErrorKind.MODEL_NOT_PRICED, "model", "The model '" + provider + "/"
                + unpriced.upstreamModel() + "' is not priced, so a budget cannot be applied to it. An operator can give it"
                + " a price in the config's 'prices' section (e.g. \"" + provider + "/<model>\": { input: 2.5, output: 10 },"
                + " USD per million tokens), or a fallback price for the provider (\"" + provider + "/*\") or for every model (\"*\").");
    }

    /** The dearest target's cost of {@code inputTokens} and {@code outputTokens}, in micro-USD (unpriced: 0). */
    public long worstCaseMicroUsd(long inputTokens, long outputTokens) {
        long worst = 0;
        for (Price p : prices) {
            if (p != null) {
                worst = Math.max(worst, CostCalculator.worstCaseMicroUsd(p, inputTokens, outputTokens));
            }
        }
        return Math.min(worst, CAP);
    }

    /** The dearest target's cost of {@code inputTokens} alone, in micro-USD: what must fit a budget to admit. */
    public long inputMicroUsd(long inputTokens) {
        return worstCaseMicroUsd(inputTokens, 0);
    }

    /** {@code a * b} for non-negative counts, saturating at {@link #CAP}. */
    public static long times(long a, long b) {
        long high = Math.multiplyHigh(a, b);
        long product = a * b;
        return high != 0 || product < 0 || product > CAP ? CAP : product;
    }
}
