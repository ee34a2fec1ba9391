package dev.switchboard.server.admission;

import dev.switchboard.cost.ModelNames;
import dev.switchboard.routing.Target;

/**
 * The ids of the counters a request draws on, and how a refusal names them to the caller. Per-model counters are
 * keyed by the resolved target ({@code provider/model} with the model name canonicalised), never by the caller's
 * spelling, so aliases, routes and other spellings of one upstream model share them. Ids stay internal: a message
 * says "your key's" or "this model's", never {@code key:<id>}.
 */
public final class ScopeIds {
    private static final String KEY = "key:";
    private static final String TEAM = "team:";
    private static final String MODEL = "model:";
    private static final String ROUTE = "route:";
    private static final String KEY_MODEL = "|model:";

    private ScopeIds() {
    }

    /** The target as per-model limits know it: {@code provider/canonical-model}. */
    public static String target(Target t) {
        return t.provider().name() + "/" + ModelNames.canonical(t.upstreamModel());
    }

    static String key(String keyId) {
        return KEY + keyId;
    }

    static String team(String team) {
        return TEAM + team;
    }

    static String model(String target) {
        return MODEL + target;
    }

    static String route(String route) {
        return ROUTE + route;
    }

    static String keyAndModel(String keyId, String target) {
        return KEY + keyId + KEY_MODEL + target;
    }

    /** Whose limit a scope is, for messages: "your key's", "your team's", "this model's", ... */
    public static String whose(String scopeId) {
        if (scopeId == null) {
            return "a";
        }
        if (scopeId.startsWith(KEY)) {
            return scopeId.contains(KEY_MODEL) ? "your key's per-model" : "your key's";
        }
        if (scopeId.startsWith(TEAM)) {
            return "your team's";
        }
        if (scopeId.startsWith(ROUTE)) {
            return "this route's";
        }
        return scopeId.startsWith(MODEL) ? "this model's" : "a";
    }
}
