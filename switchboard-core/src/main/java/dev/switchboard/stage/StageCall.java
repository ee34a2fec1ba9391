package dev.switchboard.stage;

import dev.switchboard.model.ModelRequest;
import dev.switchboard.routing.RoutePlan;
import java.util.Map;

/** What a stage sees of one call. Confined to the call's event loop, like the call itself. */
public interface StageCall {
    /** The gateway's own id of the request (never the client's). */
    String requestId();

    /** The request in the canonical (OpenAI) shape, as the stages before this one left it. */
    ModelRequest request();

    /** The caller's stable id (a store key's id, {@code cfg:<name>} for a config key or token): unique per caller. */
    String callerId();

    /** The caller's name (its key's, or its token's), never the key itself. */
    String callerName();

    /** The caller's team, or null. */
    String team();

    /** The caller's metadata (from its key or token), as routing rules read it. */
    Map<String, String> callerMetadata();

    /** The targets the call will try, in order. */
    RoutePlan plan();

    /** The client's dialect: {@code openai} or {@code anthropic}. */
    String clientDialect();

    /**
     * A request header of the client's (first value), or null; always null for the headers that carry the client's
     * credentials ({@code authorization}, {@code x-api-key}, {@code cookie}, …): a stage knows the caller by
     * {@link #callerId()}.
     */
    String header(String name);

    /**
     * Sets a header of the answer to the client (e.g. {@code x-switchboard-cache: hit}), before its head goes out;
     * ignored afterwards. The name must be a plain token and the value printable (no CR/LF), and not one of the
     * headers the gateway sets itself (framing, connection, content type and encoding): else it is refused with
     * IllegalArgumentException.
     */
    void setResponseHeader(String name, String value);

    /** State a stage keeps for this call between its hooks (e.g. a cache key), by a key of its own. */
    Map<String, Object> attributes();
}
