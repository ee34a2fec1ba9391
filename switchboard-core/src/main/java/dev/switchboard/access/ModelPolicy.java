package dev.switchboard.access;

import java.util.List;

/**
 * Which public model names a caller may use: exact names, {@code provider/*} patterns, or {@code *}.
 * An empty list allows every model.
 */
public record ModelPolicy(List<String> allowed) {
    public static final ModelPolicy ALL = new ModelPolicy(List.of());

    public boolean allows(String model) {
        if (allowed.isEmpty()) {
            return true;
        }
        for (String a : allowed) {
            if (a.equals("*") || a.equals(model)
                    || (a.endsWith("/*") && model.startsWith(a.substring(0, a.length() - 1)))) {
                return true;
            }
        }
        return false;
    }
}
