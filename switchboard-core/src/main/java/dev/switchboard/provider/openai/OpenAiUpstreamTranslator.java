package dev.switchboard.provider.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.catalogue.UrlStyle;
import dev.switchboard.json.Json;
import dev.switchboard.model.ModelRequest;
import dev.switchboard.model.Operation;
import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.provider.UpstreamModelName;
import dev.switchboard.provider.UpstreamRequest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds requests for providers that speak the OpenAI dialect. The canonical body is already OpenAI's
 * shape, so only the model name is swapped and, for streams, usage is requested so it can be counted.
 * The root object is known non-empty (it holds {@code model}), so appending after a comma is always valid.
 * Pure: no I/O. Thread-safe.
 */
public final class OpenAiUpstreamTranslator {
    private static final byte[] INCLUDE_USAGE = ",\"stream_options\":{\"include_usage\":true}".getBytes(StandardCharsets.UTF_8);

    private OpenAiUpstreamTranslator() {}

    /**
     * @param upstreamModel the model (or Azure deployment) name at the provider
     * @param injectUsage ask for {@code stream_options.include_usage} because the client did not
     */
    public static UpstreamRequest toUpstream(ModelRequest req, ProviderEndpoint p, String upstreamModel, boolean injectUsage) {
        byte[] body = injectUsage && req.hasStreamOptions() ? rewriteTree(req, upstreamModel) : splice(req, upstreamModel, injectUsage);
        return new UpstreamRequest("POST", url(p, req.operation(), upstreamModel), headers(p, true), body);
    }

    /**
     * The fast path: the client's bytes with the model value replaced and, when asked, {@code stream_options}
     * appended before the closing brace. Nothing else is re-encoded, so numbers and unknown fields stay byte-exact.
     */
    private static byte[] splice(ModelRequest req, String upstreamModel, boolean injectUsage) {
        byte[] raw = req.raw();
        byte[] model = quote(upstreamModel);
        if (!injectUsage && req.modelStart() >= 0
                && Arrays.equals(raw, req.modelStart(), req.modelEnd(), model, 0, model.length)) {
            return raw; // the client named the provider's model as the provider spells it: its bytes go as they are
        }
        byte[] tail = injectUsage ? INCLUDE_USAGE : new byte[0];
        int afterModel = raw.length - req.modelEnd();
        byte[] out = new byte[req.modelStart() + model.length + afterModel + tail.length];
        System.arraycopy(raw, 0, out, 0, req.modelStart());
        System.arraycopy(model, 0, out, req.modelStart(), model.length);
        int pos = req.modelStart() + model.length;
        if (tail.length == 0) {
            System.arraycopy(raw, req.modelEnd(), out, pos, afterModel);
        } else {
            int beforeBrace = req.rootEnd() - req.modelEnd();
            System.arraycopy(raw, req.modelEnd(), out, pos, beforeBrace);
            pos += beforeBrace;
            System.arraycopy(tail, 0, out, pos, tail.length);
            pos += tail.length;
            System.arraycopy(raw, req.rootEnd(), out, pos, raw.length - req.rootEnd());
        }
        return out;
    }

    /** The slow path, when the client's own stream_options must be merged with include_usage. */
    private static byte[] rewriteTree(ModelRequest req, String upstreamModel) {
        ObjectNode body = req.body().objectNode();
        body.setAll(req.body()); // shallow copy: the client's request stays untouched for other attempts
        body.put("model", upstreamModel);
        ObjectNode options = body.objectNode();
        JsonNode existing = req.body().get("stream_options");
        if (existing instanceof ObjectNode o) {
            options.setAll(o);
        }
        options.put("include_usage", true);
        body.set("stream_options", options);
        return write(body);
    }

    private static byte[] quote(String s) {
        if (plainAscii(s)) { // model names: no escaping needed, no generator to set up
            byte[] out = new byte[s.length() + 2];
            out[0] = '"';
            for (int i = 0; i < s.length(); i++) {
                out[i + 1] = (byte) s.charAt(i);
            }
            out[out.length - 1] = '"';
            return out;
        }
        try {
            return Json.MAPPER.writeValueAsBytes(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean plainAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    public static UpstreamRequest listModels(ProviderEndpoint p) {
        String url = p.type().urlStyle() == UrlStyle.AZURE_DEPLOYMENT
                ? p.baseUrl() + "/openai/models?api-version=" + enc(p.apiVersion())
                : p.baseUrl() + "/models";
        return new UpstreamRequest("GET", url, headers(p, false), null);
    }

    static String url(ProviderEndpoint p, Operation op, String model) {
        if (p.type().urlStyle() == UrlStyle.AZURE_DEPLOYMENT) {
            return p.baseUrl() + "/openai/deployments/" + UpstreamModelName.pathSegment(model) + "/" + op.path() + "?api-version=" + enc(p.apiVersion());
        }
        return p.baseUrl() + "/" + op.path();
    }

    private static Map<String, String> headers(ProviderEndpoint p, boolean json) {
        Map<String, String> h = new LinkedHashMap<>(p.headers());
        if (json) {
            h.put("Content-Type", "application/json");
        }
        return h;
    }

    private static byte[] write(ObjectNode body) {
        try {
            return Json.MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
