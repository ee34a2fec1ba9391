package dev.switchboard.provider.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.catalogue.UrlStyle;
import dev.switchboard.json.Json;
import dev.switchboard.model.ModelRequest;
import dev.switchboard.model.Operation;
import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.provider.UpstreamRequest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds requests for providers that speak the OpenAI dialect. The canonical body is already OpenAI's
 * shape, so only the model name is swapped and, for streams, usage is requested so it can be counted.
 * Pure: no I/O. Thread-safe.
 */
public final class OpenAiUpstreamTranslator {
    private OpenAiUpstreamTranslator() {}

    /**
     * @param upstreamModel the model (or Azure deployment) name at the provider
     * @param injectUsage ask for {@code stream_options.include_usage} because the client did not
     */
    public static UpstreamRequest toUpstream(ModelRequest req, ProviderEndpoint p, String upstreamModel, boolean injectUsage) {
        ObjectNode body = req.body().objectNode();
        body.setAll(req.body()); // shallow copy: the client's request stays untouched for other attempts
        body.put("model", upstreamModel);
        if (injectUsage) {
            ObjectNode options = body.objectNode();
            JsonNode existing = req.body().get("stream_options");
            if (existing instanceof ObjectNode o) {
                options.setAll(o);
            }
            options.put("include_usage", true);
            body.set("stream_options", options);
        }
        return new UpstreamRequest("POST", url(p, req.operation(), upstreamModel), headers(p, true), write(body));
    }

    public static UpstreamRequest listModels(ProviderEndpoint p) {
        String url = p.type().urlStyle() == UrlStyle.AZURE_DEPLOYMENT
                ? p.baseUrl() + "/openai/models?api-version=" + enc(p.apiVersion())
                : p.baseUrl() + "/models";
        return new UpstreamRequest("GET", url, headers(p, false), null);
    }

    static String url(ProviderEndpoint p, Operation op, String model) {
        if (p.type().urlStyle() == UrlStyle.AZURE_DEPLOYMENT) {
            return p.baseUrl() + "/openai/deployments/" + enc(model) + "/" + op.path() + "?api-version=" + enc(p.apiVersion());
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
