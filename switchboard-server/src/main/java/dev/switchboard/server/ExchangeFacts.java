package dev.switchboard.server;

import dev.switchboard.model.ModelRequest;
import dev.switchboard.routing.condition.RequestFacts;
import dev.switchboard.routing.condition.RequestFeatures;
import dev.switchboard.routing.condition.RouteMetadata;
import java.util.Map;

/**
 * What routing conditions read about one request. Everything costly (the metadata header, the body scan for
 * tools, images and tokens) is computed on first use only, so a route whose rules never ask pays nothing.
 */
final class ExchangeFacts implements RequestFacts {
    static final String METADATA_HEADER = "x-ai-route-metadata";

    private final Exchange ex;
    private final ModelRequest request;
    private Map<String, String> metadata;
    private RequestFeatures features;

    ExchangeFacts(Exchange ex, ModelRequest request) {
        this.ex = ex;
        this.request = request;
    }

    @Override
    public String header(String lowerCaseName) {
        return ex.http.getHeader(lowerCaseName);
    }

    @Override
    public String routeMetadata(String key) {
        if (metadata == null) {
            String raw = ex.http.getHeader(METADATA_HEADER);
            metadata = raw == null ? Map.of() : RouteMetadata.parse(raw);
        }
        return metadata.get(key);
    }

    @Override
    public String keyName() {
        return ex.key == null ? null : ex.key.name();
    }

    @Override
    public String team() {
        return ex.key == null ? null : ex.key.team();
    }

    @Override
    public String keyMetadata(String key) {
        return ex.key == null ? null : ex.key.metadata().get(key);
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

    private RequestFeatures features() {
        if (features == null) {
            features = new RequestFeatures(request);
        }
        return features;
    }
}
