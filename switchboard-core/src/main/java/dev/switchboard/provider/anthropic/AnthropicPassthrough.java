package dev.switchboard.provider.anthropic;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.error.GatewayException;
import dev.switchboard.json.Json;
import dev.switchboard.provider.NativePassthrough;
import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.provider.UpstreamRequest;
import dev.switchboard.sse.SseEvent;
import dev.switchboard.usage.Usage;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The native path for an Anthropic client talking to an Anthropic provider: no trip through the canonical shape.
 * The upstream body is the client's bytes with only the {@code model} value replaced, so every native field
 * (top_k, cache_control, citations, thinking signatures, beta features, ...) arrives as the client wrote it; the
 * client's {@code anthropic-beta} and {@code anthropic-version} headers go along, never its credential (the
 * provider key is added by the credentials axis ({@code dev.switchboard.credentials})). Answers and events go back byte for byte; this class only reads
 * them for usage, completion and errors. Bound to one provider; pure and thread-safe, except {@link StreamWatcher}
 * (one per stream).
 */
public final class AnthropicPassthrough implements NativePassthrough {
    /** The catalogue dialect this path serves. */
    public static final String DIALECT = "anthropic";
    private static final JsonFactory FACTORY = Json.MAPPER.getFactory();

    private final ProviderEndpoint provider;

    public AnthropicPassthrough(ProviderEndpoint provider) {
        this.provider = provider;
    }

    /** Whether the provider speaks Anthropic's Messages API natively. */
    public static boolean serves(ProviderEndpoint p) {
        return DIALECT.equals(p.type().dialect());
    }

    /** The client's {@code anthropic-beta} values (all of them, joined) and its first {@code anthropic-version} go along. */
    @Override
    public UpstreamRequest toUpstream(byte[] clientBody, String upstreamModel,
                                      Function<String, List<String>> clientHeader) {
        List<String> beta = clientHeader.apply("anthropic-beta");
        List<String> version = clientHeader.apply("anthropic-version");
        return toUpstream(clientBody, provider, upstreamModel, beta.isEmpty() ? null : String.join(",", beta),
                version.isEmpty() ? null : version.get(0));
    }

    /**
     * @param clientBody the client's request bytes (already validated by the ingress decoder)
     * @param beta       the client's {@code anthropic-beta} value, or null
     * @param version    the client's {@code anthropic-version}, or null for the provider's configured or default one
     */
    private static UpstreamRequest toUpstream(byte[] clientBody, ProviderEndpoint p, String upstreamModel,
                                             String beta, String version) {
        Map<String, String> h = new LinkedHashMap<>();
        String configuredVersion = null;
        String configuredBeta = null;
        for (Map.Entry<String, String> e : p.headers().entrySet()) {
            if (e.getKey().equalsIgnoreCase("anthropic-version")) {
                configuredVersion = e.getValue();
            } else if (e.getKey().equalsIgnoreCase("anthropic-beta")) {
                configuredBeta = e.getValue();
            } else {
                h.put(e.getKey(), e.getValue());
            }
        }
        h.put("Content-Type", "application/json");
        h.put("anthropic-version", version != null ? version
                : configuredVersion != null ? configuredVersion
                : p.apiVersion() != null ? p.apiVersion() : AnthropicChatTranslator.DEFAULT_VERSION);
        String betas = configuredBeta == null ? beta : beta == null ? configuredBeta : configuredBeta + "," + beta;
        if (betas != null && !betas.isBlank()) {
            h.put("anthropic-beta", betas);
        }
        return new UpstreamRequest("POST", p.baseUrl() + "/messages", h, replaceModel(clientBody, upstreamModel));
    }

    /** The body with the top-level {@code model} string replaced and every other byte kept. */
    static byte[] replaceModel(byte[] body, String model) {
        int start = -1;
        int end = -1;
        try (JsonParser p = FACTORY.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if ("model".equals(name) && v == JsonToken.VALUE_STRING) {
                    start = (int) p.currentTokenLocation().getByteOffset();
                    p.getText(); // reads the whole string, so the location is past its closing quote
                    end = (int) p.currentLocation().getByteOffset();
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("The request body could not be re-read.", e);
        }
        if (start < 0) {
            throw new IllegalArgumentException("The request body has no 'model'.");
        }
        byte[] quoted;
        try {
            quoted = Json.MAPPER.writeValueAsBytes(model);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        byte[] out = new byte[start + quoted.length + body.length - end];
        System.arraycopy(body, 0, out, 0, start);
        System.arraycopy(quoted, 0, out, start, quoted.length);
        System.arraycopy(body, end, out, start + quoted.length, body.length - end);
        return out;
    }

    /** The usage of a complete message, or null when it reports none (or is not JSON). */
    @Override
    public Usage usage(byte[] message) {
        try {
            AnthropicUsage u = new AnthropicUsage();
            u.merge(Json.MAPPER.readTree(message).get("usage"));
            return u.reported() ? u.toUsage() : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Whether an error answer may go to the client as Anthropic wrote it: it is Anthropic's error shape and not about
     * the gateway's own account (credentials, permissions, billing), which the caller must see as the gateway's
     * failure, and it does not echo the provider key.
     */
    @Override
    public boolean relayableError(byte[] body) {
        ProviderEndpoint p = provider;
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(body);
        } catch (IOException | RuntimeException e) {
            return false;
        }
        if (root == null || !"error".equals(root.path("type").asText()) || !root.path("error").path("type").isTextual()) {
            return false;
        }
        String type = root.path("error").path("type").asText();
        if (type.equals("authentication_error") || type.equals("permission_error") || type.equals("billing_error")
                || "enforced_spend_limit_reached".equals(root.path("error").path("details").path("error_code").asText())) {
            return false;
        }
        String key = p.apiKey() == null ? "" : p.apiKey().value();
        return key.isEmpty() || !new String(body, java.nio.charset.StandardCharsets.UTF_8).contains(key);
    }

    @Override
    public StreamWatcher newStreamWatcher() {
        return new StreamWatcher(provider);
    }

    /** Reads a relayed stream's events for usage (message_start, message_delta), its end and its error event. */
    public static final class StreamWatcher implements NativePassthrough.StreamWatcher {
        private final ProviderEndpoint provider;
        private final AnthropicUsage usage = new AnthropicUsage();
        private boolean completed;
        private GatewayException error;

        private StreamWatcher(ProviderEndpoint provider) {
            this.provider = provider;
        }

        @Override
        public void onEvent(SseEvent event) {
            JsonNode data;
            try {
                data = Json.MAPPER.readTree(event.data());
            } catch (IOException | RuntimeException e) {
                return; // not ours to judge: the client gets the bytes as they came
            }
            if (data == null) {
                return;
            }
            String type = data.path("type").asText(event.event() == null ? "" : event.event());
            switch (type) {
                case "message_start" -> usage.merge(data.path("message").get("usage"));
                case "message_delta" -> usage.merge(data.get("usage"));
                case "message_stop" -> completed = true;
                case "error" -> error = AnthropicErrorMapper.fromStreamEvent(provider, data);
                default -> { }
            }
        }

        /** Usage seen so far, or null until the provider reported any. */
        @Override
        public Usage usage() {
            return usage.reported() ? usage.toUsage() : null;
        }

        /** Whether message_stop arrived. */
        @Override
        public boolean completed() {
            return completed;
        }

        /** The provider's own error event, already relayed to the client; null if none. */
        @Override
        public GatewayException error() {
            return error;
        }
    }
}
