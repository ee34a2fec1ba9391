package dev.switchboard.cache;

import dev.switchboard.model.ModelRequest;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * The exact cache's key of a request: a SHA-256 of what decides the answer — the tenant's namespace, the operation,
 * the public model name the client asked for, and the canonical body (messages, tools, output parameters; see
 * {@link CanonicalHash} for what is normalised and left out). Two tenants never share a key: the namespace is part
 * of the hash, not a prefix a caller could forge. The same for every ingress dialect, since it hashes the canonical
 * request.
 *
 * @param namespace the tenant, as the caller names it ({@code key:<id>}, {@code team:<name>}, {@code shared})
 * @param model     the public model name, kept for purging by model
 * @param hash      64 lower-case hex digits, covering the namespace and model too
 */
public record CacheKey(String namespace, String model, String hash) {
    private static final String EXACT = "switchboard-cache-exact-v1";
    private static final String SEMANTIC = "switchboard-cache-semantic-v1";
    private static final HexFormat HEX = HexFormat.of();

    public CacheKey {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(hash, "hash");
    }

    /** The key of {@code request} in {@code namespace}; IllegalArgumentException when the body is not a JSON object. */
    public static CacheKey of(String namespace, ModelRequest request) {
        List<DigestSink> sinks = DigestSink.acquire();
        try {
            DigestSink sink = head(EXACT, namespace, request, sinks);
            new CanonicalHash(request.raw(), -1, sinks).feed();
            return new CacheKey(namespace, request.model(), HEX.formatHex(sink.finish()));
        } finally {
            DigestSink.release(sinks);
        }
    }

    /**
     * A chat request split for the semantic cache: the hash of everything but the last user message's text (earlier
     * turns, system prompt, tools, output parameters, model, namespace — what must match exactly) and that text (what
     * is compared by meaning). Null when the request is not a chat, has no user message, or its last user message
     * holds more than text (an image cannot be compared by its text).
     */
    public static SemanticParts semanticParts(String namespace, ModelRequest request) {
        if (request.operation() != dev.switchboard.model.Operation.CHAT) {
            return null;
        }
        int last = CanonicalHash.lastUserMessage(request.raw());
        if (last < 0) {
            return null;
        }
        List<DigestSink> sinks = DigestSink.acquire();
        try {
            DigestSink sink = head(SEMANTIC, namespace, request, sinks);
            CanonicalHash hash = new CanonicalHash(request.raw(), last, sinks);
            hash.feed();
            String text = hash.holeText();
            if (text == null) {
                return null;
            }
            return new SemanticParts(new CacheKey(namespace, request.model(), HEX.formatHex(sink.finish())), text);
        } finally {
            DigestSink.release(sinks);
        }
    }

    private static DigestSink head(String version, String namespace, ModelRequest request, List<DigestSink> sinks) {
        Objects.requireNonNull(namespace, "namespace");
        DigestSink sink = DigestSink.at(sinks, 0);
        sink.string(version);
        sink.string(namespace);
        sink.string(request.operation().name());
        sink.string(request.model());
        return sink;
    }

    /**
     * A chat request as the semantic cache sees it.
     *
     * @param context the exact part, as a key (same namespace and model; a hash distinct from any exact key's)
     * @param text    the last user message's text
     */
    public record SemanticParts(CacheKey context, String text) {}
}
