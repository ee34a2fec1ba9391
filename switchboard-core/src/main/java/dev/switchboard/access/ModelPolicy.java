package dev.switchboard.access;

import java.util.List;

/**
 * Which public model names a caller may use: exact names, {@code provider/*} patterns, or {@code *}.
 * An empty list allows every model; {@link #NONE} allows none.
 */
public record ModelPolicy(List<String> allowed, boolean none) {
    public static final ModelPolicy ALL = new ModelPolicy(List.of());
    /** Allows no model at all (e.g. a token whose model list is empty): a flag, not a name a client could send. */
    public static final ModelPolicy NONE = new ModelPolicy(List.of(), true);

    public ModelPolicy(List<String> allowed) {
        this(allowed, false);
    }

    public boolean allows(String model) {
        if (none) {
            return false;
        }
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
