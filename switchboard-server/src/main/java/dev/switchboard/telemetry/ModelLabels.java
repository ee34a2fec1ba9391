package dev.switchboard.telemetry;

import dev.switchboard.routing.Router;
import java.util.HashSet;
import java.util.Set;

/**
 * The model label of a request's metrics: a name the config declares (a route, an alias, or a model listed in a
 * provider's {@code models:}), else {@value #OTHER}. Direct {@code provider/model} names come from clients; as
 * labels they would make one series set per name, without bound. Thread-safe; the set is rebuilt when the config
 * (its router) changes, and a request costs one reference compare and one set lookup.
 */
public final class ModelLabels {
    public static final String OTHER = "other";

    private record Known(Router router, Set<String> names) {}

    private volatile Known known = new Known(null, Set.of());

    /** {@code model} as resolved for the request (its target's public name), or null when there was none. */
    public String label(Router router, String model) {
        if (model == null) {
            return "none";
        }
        Known k = known;
        if (k.router() != router) {
            k = new Known(router, Set.copyOf(new HashSet<>(router.advertised())));
            known = k; // racing event loops may each build it once; any of them is right for its router
        }
        return k.names().contains(model) ? model : OTHER;
    }
}
