package dev.switchboard.admin;

import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Method and path templates ({@code teams/{id}}) under {@code /admin/}, mapped to blocking handlers. */
final class AdminRoutes {
    /** Runs on a worker thread: it may call the blocking store. */
    @FunctionalInterface
    interface Handler {
        AdminReply handle(AdminCall call);
    }

    private record Route(HttpMethod method, String[] segments, Handler handler) {}

    /** A match, or a path that exists under another method (405), or nothing (404). */
    record Match(Handler handler, Map<String, String> params, boolean pathKnown) {}

    private final List<Route> routes = new ArrayList<>();

    AdminRoutes add(HttpMethod method, String template, Handler handler) {
        routes.add(new Route(method, template.split("/"), handler));
        return this;
    }

    Match match(HttpMethod method, String relativePath) {
        String[] parts = relativePath.split("/", -1);
        boolean pathKnown = false;
        for (Route r : routes) {
            Map<String, String> params = bind(r.segments, parts);
            if (params == null) {
                continue;
            }
            if (r.method.equals(method)) {
                return new Match(r.handler, params, true);
            }
            pathKnown = true;
        }
        return new Match(null, Map.of(), pathKnown);
    }

    private static Map<String, String> bind(String[] template, String[] parts) {
        if (template.length != parts.length) {
            return null;
        }
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < template.length; i++) {
            String t = template[i];
            if (t.startsWith("{") && t.endsWith("}")) {
                if (parts[i].isEmpty()) {
                    return null;
                }
                params.put(t.substring(1, t.length() - 1), parts[i]);
            } else if (!t.equals(parts[i])) {
                return null;
            }
        }
        return params;
    }
}
