package dev.switchboard.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * One authenticated admin request, as a handler sees it on a worker thread.
 *
 * @param params path parameters by name (e.g. {@code id})
 * @param body the parsed JSON body, or null when there was none
 * @param actor who is acting, for the audit log
 */
record AdminCall(Map<String, String> params, Map<String, String> query, JsonNode body, String actor) {
    String param(String name) {
        return params.get(name);
    }

    String query(String name) {
        return query.get(name);
    }
}
