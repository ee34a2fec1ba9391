package dev.switchboard.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.error.NearMiss;
import dev.switchboard.routing.FallbackTrigger;
import dev.switchboard.routing.RetryPolicy;
import dev.switchboard.routing.StickyBy;
import dev.switchboard.routing.Strategy;
import dev.switchboard.routing.condition.Condition;
import dev.switchboard.routing.condition.ConditionParser;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code routes}: each a name, ordered rules with a condition, a strategy and targets, the last rule the
 * default. Every target must name a configured provider or alias; a rule after the default is unreachable.
 */
final class RoutesReader {
    private static final Set<String> ROUTE = Set.of("name", "rules", "fallback_on", "retry", "stages");
    private static final Set<String> RULE = Set.of("when", "strategy", "targets", "sticky");
    private static final Set<String> TARGET = Set.of("target", "weight", "retry");

    private RoutesReader() {}

    static List<RouteConfig> read(JsonNode n, Map<String, ProviderConfig> providers, Set<String> aliases,
                                  RetryPolicy defaultRetry, Reader r) {
        List<RouteConfig> out = new ArrayList<>();
        if (n == null) {
            return out;
        }
        if (!n.isArray()) {
            r.problems.add("routes", "expected a list of routes");
            return out;
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < n.size(); i++) {
            String path = "routes[" + i + "]";
            JsonNode route = n.get(i);
            if (!r.object(route, path)) {
                continue;
            }
            r.fields(route, path, ROUTE);
            String name = r.string(route, "name", path, true);
            if (name != null) {
                if (!names.add(name)) {
                    r.problems.add(path + ".name", "duplicate route name '" + name + "'");
                } else if (aliases.contains(name)) {
                    r.problems.add(path + ".name", "'" + name + "' is also a model alias");
                } else if (name.indexOf('/') >= 0) {
                    r.problems.add(path + ".name", "a route name has no '/': clients call it as '" + name
                            + "' or 'dynamic/" + name + "'");
                }
            }
            RetryPolicy retry = ResilienceReader.retry(route.get("retry"), path + ".retry", defaultRetry, r);
            Set<FallbackTrigger> fallbackOn = fallbackOn(route, path, r);
            List<RouteConfig.RuleConfig> rules = rules(route.get("rules"), path + ".rules", providers, aliases, retry, r);
            out.add(new RouteConfig(name, rules, fallbackOn, retry));
        }
        return out;
    }

    private static Set<FallbackTrigger> fallbackOn(JsonNode route, String path, Reader r) {
        if (!route.has("fallback_on")) {
            return EnumSet.of(FallbackTrigger.ERROR);
        }
        return r.words(route, "fallback_on", path, FallbackTrigger.class, FallbackTrigger::configName, "trigger");
    }

    private static List<RouteConfig.RuleConfig> rules(JsonNode n, String path, Map<String, ProviderConfig> providers,
                                                     Set<String> aliases, RetryPolicy retry, Reader r) {
        List<RouteConfig.RuleConfig> out = new ArrayList<>();
        if (n == null || !n.isArray() || n.isEmpty()) {
            r.problems.add(path, "expected a list of rules, the last without 'when' (the default)");
            return out;
        }
        boolean sawDefault = false;
        for (int i = 0; i < n.size(); i++) {
            String rp = path + "[" + i + "]";
            JsonNode rule = n.get(i);
            if (!r.object(rule, rp)) {
                continue;
            }
            r.fields(rule, rp, RULE);
            if (sawDefault) {
                r.problems.add(rp, "unreachable: it comes after the default rule (the one without 'when')");
            }
            Condition when = null;
            if (rule.has("when")) {
                when = ConditionParser.parse(rule.get("when"), rp + ".when", r.problems::add);
            } else {
                sawDefault = true;
            }
            Strategy strategy = strategy(r.string(rule, "strategy", rp, false), rp + ".strategy", r);
            List<RouteConfig.TargetConfig> targets = targets(rule.get("targets"), rp + ".targets", providers, aliases, retry, r);
            StickyBy sticky = sticky(r.string(rule, "sticky", rp, false), rp + ".sticky", strategy, r);
            out.add(new RouteConfig.RuleConfig(when, strategy, targets, sticky));
        }
        if (!sawDefault) {
            r.problems.add(path, "a default rule is required: end the list with a rule that has no 'when'");
        }
        return out;
    }

    private static Strategy strategy(String text, String path, Reader r) {
        if (text == null) {
            return Strategy.FALLBACK;
        }
        Strategy s = r.word(text, path, Strategy.values(), Strategy::configName, "strategy");
        return s == null ? Strategy.FALLBACK : s;
    }

    private static StickyBy sticky(String text, String path, Strategy strategy, Reader r) {
        if (text == null) {
            return null;
        }
        if (strategy != Strategy.WEIGHTED) {
            r.problems.add(path, "only a weighted split can be sticky");
        }
        if (text.equals("key")) {
            return StickyBy.KEY;
        }
        if (text.startsWith("header:") && text.length() > "header:".length()) {
            return new StickyBy(text.substring("header:".length()).trim().toLowerCase(java.util.Locale.ROOT));
        }
        r.problems.add(path, "expected 'key' or 'header:<name>', got '" + text + "'");
        return null;
    }

    private static List<RouteConfig.TargetConfig> targets(JsonNode n, String path, Map<String, ProviderConfig> providers,
                                                         Set<String> aliases, RetryPolicy retry, Reader r) {
        List<RouteConfig.TargetConfig> out = new ArrayList<>();
        if (n == null || !n.isArray() || n.isEmpty()) {
            r.problems.add(path, "expected a list of targets (provider/model or an alias)");
            return out;
        }
        for (int i = 0; i < n.size(); i++) {
            String tp = path + "[" + i + "]";
            JsonNode t = n.get(i);
            String model;
            int weight = 1;
            RetryPolicy own = retry;
            if (t.isTextual()) {
                model = t.asText();
            } else if (r.object(t, tp)) {
                r.fields(t, tp, TARGET);
                model = r.string(t, "target", tp, true);
                weight = r.integer(t, "weight", tp, 1, 1, 1_000_000);
                own = ResilienceReader.retry(t.get("retry"), tp + ".retry", retry, r);
                tp = tp + ".target";
            } else {
                continue;
            }
            if (model == null) {
                continue;
            }
            if (!aliases.contains(model)) {
                int slash = model.indexOf('/');
                if (slash <= 0 || slash == model.length() - 1) {
                    r.problems.add(tp, "expected provider/model or a model alias, got '" + model + "'"
                            + NearMiss.hint(model, aliases));
                    continue;
                }
                String provider = model.substring(0, slash);
                if (!providers.containsKey(provider)) {
                    r.problems.add(tp, "unknown provider '" + provider + "'" + NearMiss.hint(provider, providers.keySet()));
                    continue;
                }
            }
            out.add(new RouteConfig.TargetConfig(model, weight, own));
        }
        return out;
    }
}
