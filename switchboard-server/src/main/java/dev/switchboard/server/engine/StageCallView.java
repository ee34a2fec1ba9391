package dev.switchboard.server.engine;

import dev.switchboard.server.call.Exchange;
import dev.switchboard.model.ModelRequest;
import dev.switchboard.routing.RoutePlan;
import dev.switchboard.stage.StageCall;
import java.util.HashMap;
import java.util.Map;

/** What the stages of one exchange see of it. Confined to the exchange's event loop. */
final class StageCallView implements StageCall {
    private static final java.util.regex.Pattern TOKEN = java.util.regex.Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}");
    private static final java.util.regex.Pattern VALUE = java.util.regex.Pattern.compile("[\\x20-\\x7e]{0,512}");
    /** The answer's framing and connection handling: a stage setting them would break the answer (or the next one). */
    private static final java.util.Set<String> GATEWAY_OWNED = java.util.Set.of("content-length", "transfer-encoding",
            "connection", "keep-alive", "upgrade", "te", "trailer", "content-type", "content-encoding");
    /** Request headers that carry the client's credentials: never shown to a stage. */
    private static final java.util.Set<String> CREDENTIALS = java.util.Set.of("authorization", "proxy-authorization",
            "x-api-key", "api-key", "x-goog-api-key", "cookie");
    private final Exchange ex;
    private final RoutePlan plan;
    private Map<String, Object> attributes;

    StageCallView(Exchange ex, RoutePlan plan) {
        this.ex = ex;
        this.plan = plan;
    }

    /** The exchange itself, for the built-in stages (admission, recording), which work on it directly. */
    Exchange exchange() {
        return ex;
    }

    @Override
    public String requestId() {
        return ex.requestId;
    }

    @Override
    public ModelRequest request() {
        return ex.stages == null ? ex.request : ex.stages.request();
    }

    @Override
    public String callerId() {
        return ex.key == null ? null : ex.key.id();
    }

    @Override
    public String callerName() {
        return ex.key == null ? null : ex.key.name();
    }

    @Override
    public String team() {
        return ex.key == null ? null : ex.key.team();
    }

    @Override
    public Map<String, String> callerMetadata() {
        return ex.key == null ? Map.of() : ex.key.metadata();
    }

    @Override
    public RoutePlan plan() {
        return plan;
    }

    @Override
    public String clientDialect() {
        return ex.dialect.name();
    }

    @Override
    public String header(String name) {
        // the client's credentials are the gateway's business: a stage (a webhook, a logger) knows the caller by id
        return name == null || CREDENTIALS.contains(name.toLowerCase(java.util.Locale.ROOT)) ? null : ex.client.header(name);
    }

    @Override
    public void setResponseHeader(String name, String value) {
        if (name == null || !TOKEN.matcher(name).matches()) {
            throw new IllegalArgumentException("not a header name");
        }
        if (GATEWAY_OWNED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
            throw new IllegalArgumentException("a header the gateway sets itself: " + name);
        }
        if (value == null || !VALUE.matcher(value).matches()) {
            throw new IllegalArgumentException("not a header value");
        }
        if (!ex.client.headWritten() && !ex.client.ended()) {
            ex.client.putHeader(name, value);
        }
    }

    @Override
    public Map<String, Object> attributes() {
        if (attributes == null) {
            attributes = new HashMap<>(4);
        }
        return attributes;
    }
}
