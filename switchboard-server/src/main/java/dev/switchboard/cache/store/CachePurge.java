package dev.switchboard.cache.store;

/**
 * Which entries a purge removes: every entry, a tenant's (namespace), or a public model's in every namespace.
 *
 * @param namespace the namespace, or null for any
 * @param model     the public model name, or null for any
 */
public record CachePurge(String namespace, String model) {
    private static final CachePurge ALL = new CachePurge(null, null);

    public CachePurge {
        if (namespace != null && model != null) {
            throw new IllegalArgumentException("purge by namespace or by model, not both");
        }
    }

    public static CachePurge all() {
        return ALL;
    }

    public static CachePurge namespace(String namespace) {
        return new CachePurge(java.util.Objects.requireNonNull(namespace, "namespace"), null);
    }

    public static CachePurge model(String model) {
        return new CachePurge(null, java.util.Objects.requireNonNull(model, "model"));
    }

    public boolean matches(String entryNamespace, String entryModel) {
        return (namespace == null || namespace.equals(entryNamespace)) && (model == null || model.equals(entryModel));
    }
}
