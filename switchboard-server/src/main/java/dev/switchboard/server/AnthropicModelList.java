package dev.switchboard.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.json.Json;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Anthropic's Models API shape: {@code {"data":[ModelInfo…],"has_more","first_id","last_id"}}, a page chosen by
 * {@code limit} (1..1000, default 20) and one cursor, {@code after_id} or {@code before_id} (ids of the list itself).
 * The gateway knows no release dates, context windows or capabilities of its models: {@code created_at} is a fixed
 * instant, the sizes and capabilities are null (the API allows both), and every model is {@code active}.
 */
final class AnthropicModelList {
    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 1000;
    private static final String CREATED_AT = Instant.ofEpochSecond(ModelsHandler.CREATED).toString();
    private static final Set<String> LIFECYCLES = Set.of("active", "deprecated", "retired");

    private AnthropicModelList() {}

    /** The query of a list call, checked: a bad value is a 400, never a guess. */
    record Query(int limit, String afterId, String beforeId, boolean activeWanted) {
        static Query of(String rawQuery) {
            Map<String, List<String>> params;
            try {
                params = new QueryStringDecoder(rawQuery == null ? "" : rawQuery, false).parameters();
            } catch (IllegalArgumentException e) {
                throw new GatewayException(ErrorKind.INVALID_REQUEST, "The query string is not valid URL encoding.");
            }
            int limit = limit(single(params, "limit"));
            String after = cursor(params, "after_id");
            String before = cursor(params, "before_id");
            if (after != null && before != null) {
                throw GatewayException.param(ErrorKind.INVALID_PARAMETER, "before_id",
                        "Give at most one of 'before_id' and 'after_id'.");
            }
            return new Query(limit, after, before, activeWanted(params));
        }

        private static String single(Map<String, List<String>> params, String name) {
            List<String> values = params.get(name);
            if (values == null) {
                return null;
            }
            if (values.size() > 1) {
                throw GatewayException.param(ErrorKind.INVALID_PARAMETER, name, "'" + name + "' is given more than once.");
            }
            return values.get(0);
        }

        private static int limit(String raw) {
            if (raw == null) {
                return DEFAULT_LIMIT;
            }
            String problem = "'limit' must be an integer from 1 to " + MAX_LIMIT + ".";
            if (raw.isEmpty() || raw.length() > 4 || !raw.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw GatewayException.param(ErrorKind.INVALID_PARAMETER, "limit", problem);
            }
            int limit = Integer.parseInt(raw);
            if (limit < 1 || limit > MAX_LIMIT) {
                throw GatewayException.param(ErrorKind.INVALID_PARAMETER, "limit", problem);
            }
            return limit;
        }

        private static String cursor(Map<String, List<String>> params, String name) {
            String id = single(params, name);
            if (id != null && id.isEmpty()) {
                throw GatewayException.param(ErrorKind.INVALID_PARAMETER, name, "'" + name + "' must not be empty.");
            }
            return id;
        }

        /** {@code lifecycle[]} (as the SDKs send it) or {@code lifecycle}: the gateway's models are all active. */
        private static boolean activeWanted(Map<String, List<String>> params) {
            boolean given = false;
            boolean active = false;
            for (String name : List.of("lifecycle[]", "lifecycle")) {
                for (String v : params.getOrDefault(name, List.of())) {
                    if (!LIFECYCLES.contains(v)) {
                        throw GatewayException.param(ErrorKind.INVALID_PARAMETER, "lifecycle",
                                "'lifecycle' must be one of active, deprecated, retired.");
                    }
                    given = true;
                    active |= v.equals("active");
                }
            }
            return !given || active;
        }
    }

    /** One page of {@code ids} (the caller's models, in the gateway's order). */
    static ObjectNode page(List<String> ids, Query q) {
        List<String> all = q.activeWanted() ? ids : List.of();
        int from;
        int to;
        boolean more;
        if (q.afterId() != null) {
            from = position(all, q.afterId(), "after_id") + 1;
            to = Math.min(all.size(), from + q.limit());
            more = to < all.size();
        } else if (q.beforeId() != null) {
            to = position(all, q.beforeId(), "before_id");
            from = Math.max(0, to - q.limit());
            more = from > 0;
        } else {
            from = 0;
            to = Math.min(all.size(), q.limit());
            more = to < all.size();
        }
        List<String> page = all.subList(from, to);
        ObjectNode root = Json.MAPPER.createObjectNode();
        ArrayNode data = root.putArray("data");
        page.forEach(id -> data.add(model(id)));
        root.put("has_more", more);
        if (page.isEmpty()) {
            root.putNull("first_id");
            root.putNull("last_id");
        } else {
            root.put("first_id", page.get(0));
            root.put("last_id", page.get(page.size() - 1));
        }
        return root;
    }

    /** A cursor must name a model of this caller's list; one it may not see is as unknown as one that does not exist. */
    private static int position(List<String> ids, String id, String param) {
        int at = ids.indexOf(id);
        if (at < 0) {
            throw GatewayException.param(ErrorKind.INVALID_PARAMETER, param,
                    "'" + param + "' names no model of this list: '" + ModelsHandler.quoted(id) + "'.");
        }
        return at;
    }

    /** One ModelInfo. */
    static ObjectNode model(String id) {
        ObjectNode m = Json.MAPPER.createObjectNode();
        m.put("type", "model");
        m.put("id", id);
        m.put("display_name", id);
        m.put("created_at", CREATED_AT);
        m.putNull("capabilities");
        m.putNull("max_input_tokens");
        m.putNull("max_tokens");
        m.put("lifecycle", "active");
        return m;
    }
}
