package dev.switchboard.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * A validated request for one model operation, in the canonical form: OpenAI's wire shape, a superset other
 * dialects convert to and from, with every field the gateway does not know kept as is.
 * The client's bytes are kept so that a hop to an OpenAI-dialect provider can pass them through with only the
 * model name spliced in; the JSON tree is built only when a translator asks for it. Immutable once built;
 * the lazily parsed tree must not be mutated (translators copy it).
 */
public final class ModelRequest {
    private final Operation operation;
    private final String model;
    private final boolean stream;
    private final boolean clientRequestedUsage;
    private final boolean hasStreamOptions;
    private final byte[] raw;
    private final int modelStart;
    private final int modelEnd;
    private final int rootEnd;
    private final List<String> dialectOnly;
    private ObjectNode body;

    /**
     * @param modelStart byte offset of the {@code model} value's opening quote in {@code raw}
     * @param modelEnd byte offset just past its closing quote
     * @param rootEnd byte offset of the root object's closing brace
     */
    public ModelRequest(Operation operation, String model, boolean stream, boolean clientRequestedUsage,
                        boolean hasStreamOptions, byte[] raw, int modelStart, int modelEnd, int rootEnd) {
        this(operation, model, stream, clientRequestedUsage, hasStreamOptions, raw, modelStart, modelEnd, rootEnd, List.of());
    }

    private ModelRequest(Operation operation, String model, boolean stream, boolean clientRequestedUsage,
                         boolean hasStreamOptions, byte[] raw, int modelStart, int modelEnd, int rootEnd,
                         List<String> dialectOnly) {
        this.dialectOnly = List.copyOf(dialectOnly);
        this.operation = operation;
        this.model = model;
        this.stream = stream;
        this.clientRequestedUsage = clientRequestedUsage;
        this.hasStreamOptions = hasStreamOptions;
        this.raw = raw;
        this.modelStart = modelStart;
        this.modelEnd = modelEnd;
        this.rootEnd = rootEnd;
    }

    public Operation operation() { return operation; }
    /** The public model name the client asked for. */
    public String model() { return model; }
    public boolean stream() { return stream; }
    /** Whether the client itself asked for the usage chunk of a stream. */
    public boolean clientRequestedUsage() { return clientRequestedUsage; }
    /** Whether the client sent a {@code stream_options} object. */
    public boolean hasStreamOptions() { return hasStreamOptions; }
    /** The client's bytes; never modified. */
    public byte[] raw() { return raw; }
    public int modelStart() { return modelStart; }
    public int modelEnd() { return modelEnd; }
    public int rootEnd() { return rootEnd; }

    /**
     * Top-level fields of the client's own dialect that have no canonical form (e.g. Anthropic's {@code thread} or
     * {@code mcp_servers}): a native route sends them with the client's bytes; a translated route must refuse them
     * or report them dropped, never lose them silently. Empty for the canonical dialect.
     */
    public List<String> dialectOnly() { return dialectOnly; }

    /** This request with the dialect-only fields its decoder found. */
    public ModelRequest withDialectOnly(List<String> fields) {
        ModelRequest copy = new ModelRequest(operation, model, stream, clientRequestedUsage, hasStreamOptions, raw,
                modelStart, modelEnd, rootEnd, fields);
        copy.body = body;
        return copy;
    }

    /** The request as a JSON tree, parsed on first use. Read-only by contract. */
    public ObjectNode body() {
        ObjectNode b = body;
        if (b == null) {
            try {
                b = (ObjectNode) Json.MAPPER.readTree(raw);
            } catch (IOException e) {
                throw new UncheckedIOException(e); // cannot happen: the bytes were validated as a JSON object
            }
            body = b;
        }
        return b;
    }
}
