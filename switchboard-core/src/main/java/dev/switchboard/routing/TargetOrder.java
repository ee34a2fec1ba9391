package dev.switchboard.routing;

import dev.switchboard.routing.condition.RequestFacts;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Puts a rule's targets in the order one request will try them. The strategy picks the first; the others
 * follow as fallbacks; targets whose breaker is open go last (tried only if every other target failed).
 */
final class TargetOrder {
    /** Share of requests a dynamic strategy sends to a random target, so the statistics of the others stay fresh. */
    private static final double EXPLORE = 0.05;

    private TargetOrder() {}

    static List<RouteTarget> order(Rule rule, RequestFacts facts, TargetRegistry registry, BreakerSettings breaker,
                                   long nowNanos) {
        List<RouteTarget> targets = rule.targets();
        if (targets.size() == 1) {
            return targets;
        }
        List<RouteTarget> out = switch (rule.strategy()) {
            case FALLBACK -> new ArrayList<>(targets);
            case WEIGHTED -> weighted(rule, facts);
            case LOWEST_LATENCY -> dynamic(targets, Comparator.comparingDouble(t -> latency(registry.state(t))));
            case FEWEST_ERRORS -> dynamic(targets, Comparator.comparingDouble(t -> registry.state(t).stats().errorRate()));
            case LOWEST_COST -> sorted(targets, Comparator.comparingDouble(t -> Double.isNaN(t.pricePerMillion())
                    ? Double.MAX_VALUE : t.pricePerMillion()));
            case LEAST_BUSY -> sorted(targets, Comparator.comparingInt(t -> registry.state(t).stats().inFlight()));
        };
        // open breakers last, keeping the strategy's order within each group
        List<RouteTarget> ready = new ArrayList<>(out.size());
        List<RouteTarget> open = null;
        for (RouteTarget t : out) {
            if (registry.state(t).breaker().available(breaker, nowNanos)) {
                ready.add(t);
            } else {
                if (open == null) {
                    open = new ArrayList<>(2);
                }
                open.add(t);
            }
        }
        if (open != null) {
            ready.addAll(open);
        }
        return ready;
    }

    /** Untried targets sort first (latency unknown counts as 0), so a new target is measured before it is judged. */
    private static double latency(TargetState s) {
        double ttft = s.stats().ttftMillis();
        return ttft < 0 ? 0 : ttft;
    }

    private static List<RouteTarget> sorted(List<RouteTarget> targets, Comparator<RouteTarget> by) {
        List<RouteTarget> out = new ArrayList<>(targets);
        out.sort(by); // stable: ties keep the configured order
        return out;
    }

    private static List<RouteTarget> dynamic(List<RouteTarget> targets, Comparator<RouteTarget> by) {
        List<RouteTarget> out = sorted(targets, by);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        if (random.nextDouble() < EXPLORE) {
            RouteTarget probe = out.remove(random.nextInt(out.size()));
            out.add(0, probe);
        }
        return out;
    }

    /** One arm chosen by weight (by a hash of the sticky value when there is one), the rest by descending weight. */
    private static List<RouteTarget> weighted(Rule rule, RequestFacts facts) {
        List<RouteTarget> targets = rule.targets();
        int total = rule.totalWeight();
        String stickyValue = rule.sticky() == null ? null : rule.sticky().value(facts);
        long point = stickyValue != null ? Math.floorMod(mix(stickyValue), total)
                : ThreadLocalRandom.current().nextInt(total);
        RouteTarget chosen = targets.get(targets.size() - 1);
        long sum = 0;
        for (RouteTarget t : targets) {
            sum += t.weight();
            if (point < sum) {
                chosen = t;
                break;
            }
        }
        List<RouteTarget> out = new ArrayList<>(targets.size());
        out.add(chosen);
        List<RouteTarget> rest = new ArrayList<>(targets);
        rest.remove(chosen);
        rest.sort(Comparator.comparingInt(RouteTarget::weight).reversed());
        out.addAll(rest);
        return out;
    }

    /** A well-mixed 64-bit hash (FNV-1a then a finaliser), so similar ids spread evenly over the arms. */
    static long mix(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h;
    }
}
