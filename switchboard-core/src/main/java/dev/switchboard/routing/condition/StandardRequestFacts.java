package dev.switchboard.routing.condition;

import dev.switchboard.model.ModelRequest;
import java.util.Map;
import java.util.function.Function;

/**
 * The usual {@link RequestFacts}: headers through a lookup, the caller's key, and the decoded request. The route
 * metadata header is parsed and the body scanned only when a condition first reads them. One per request.
 */
public final class StandardRequestFacts implements RequestFacts {
    private final Function<String, String> headers;
    private final String keyName;
    private final String team;
    private final Map<String, String> keyMetadata;
    private final ModelRequest request;
    private Map<String, String> routeMetadata;
    private RequestFeatures features;

    /**
     * @param headers a header by lower-case name, null when absent (e.g. Vert.x's {@code request.headers()::get})
     * @param team null when none
     * @param keyMetadata the key's metadata; empty when none
     */
    public StandardRequestFacts(Function<String, String> headers, String keyName, String team,
                                Map<String, String> keyMetadata, ModelRequest request) {
        this.headers = headers;
        this.keyName = keyName;
        this.team = team;
        this.keyMetadata = keyMetadata == null ? Map.of() : keyMetadata;
        this.request = request;
    }

    @Override
    public String header(String lowerCaseName) {
        return headers.apply(lowerCaseName);
    }

    @Override
    public String routeMetadata(String key) {
        Map<String, String> m = routeMetadata;
        if (m == null) {
            m = RouteMetadata.parse(headers.apply(RouteMetadata.HEADER));
            routeMetadata = m;
        }
        return m.get(key);
    }

    @Override
    public String keyName() {
        return keyName;
    }

    @Override
    public String team() {
        return team;
    }

    @Override
    public String keyMetadata(String key) {
        return keyMetadata.get(key);
    }

    @Override
    public String model() {
        return request.model();
    }

    @Override
    public boolean stream() {
        return request.stream();
    }

    @Override
    public boolean hasTools() {
        return features().hasTools();
    }

    @Override
    public boolean hasImages() {
        return features().hasImages();
    }

    @Override
    public long estimatedInputTokens() {
        return features().estimatedInputTokens();
    }

    /** The body scan facts, for callers that want them outside a condition (e.g. capability checks). */
    public RequestFeatures features() {
        RequestFeatures f = features;
        if (f == null) {
            f = new RequestFeatures(request);
            features = f;
        }
        return f;
    }
}
