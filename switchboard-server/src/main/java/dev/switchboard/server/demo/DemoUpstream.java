package dev.switchboard.server.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.json.Json;
import dev.switchboard.sse.SseEncoder;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The built-in {@code demo} provider: a tiny OpenAI-compatible server on a loopback port that echoes the last
 * user message, streams it word by word, and returns deterministic embeddings. It lets the gateway answer
 * right after start without any API key, through the same upstream path real providers use.
 */
public final class DemoUpstream {
    private static final int EMBEDDING_DIMS = 64;
    private static final long WORD_DELAY_MS = 15;

    private final Vertx vertx;
    private HttpServer server;

    public DemoUpstream(Vertx vertx) {
        this.vertx = vertx;
    }

    public Future<Integer> start() {
        server = vertx.createHttpServer();
        return server.requestHandler(this::handle).listen(0, "127.0.0.1").map(HttpServer::actualPort);
    }

    Future<Void> stop() {
        return server == null ? Future.succeededFuture() : server.close();
    }

    private void handle(HttpServerRequest req) {
        String path = req.path();
        if (path.equals("/v1/models")) {
            req.response().putHeader("content-type", "application/json")
                    .end("{\"object\":\"list\",\"data\":[{\"id\":\"echo\",\"object\":\"model\",\"created\":0,\"owned_by\":\"demo\"}]}");
            return;
        }
        req.body().onSuccess(body -> {
            JsonNode request;
            try {
                request = Json.MAPPER.readTree(body.getBytes());
            } catch (Exception e) {
                error(req.response(), 400, "invalid JSON");
                return;
            }
            switch (path) {
                case "/v1/chat/completions" -> chat(req.response(), request);
                case "/v1/completions" -> completion(req.response(), request);
                case "/v1/embeddings" -> embeddings(req.response(), request);
                default -> error(req.response(), 404, "unknown path " + path);
            }
        });
    }

    private void chat(HttpServerResponse res, JsonNode request) {
        String model = request.path("model").asText("echo");
        String text = "You said: " + lastUserText(request.path("messages"));
        long promptTokens = countWords(request.path("messages").toString());
        if (request.path("stream").asBoolean(false)) {
            stream(res, model, words(text), promptTokens, request.path("stream_options").path("include_usage").asBoolean(false));
            return;
        }
        ObjectNode out = envelope("chat.completion", model);
        ObjectNode choice = out.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        message.put("content", text);
        choice.put("finish_reason", "stop");
        usage(out, promptTokens, words(text).size());
        res.putHeader("content-type", "application/json").end(Buffer.buffer(out.toString()));
    }

    private void stream(HttpServerResponse res, String model, List<String> words, long promptTokens, boolean includeUsage) {
        res.setChunked(true).putHeader("content-type", "text/event-stream");
        ObjectNode first = chunk(model);
        first.withArray("choices").addObject().put("index", 0).putNull("finish_reason")
                .putObject("delta").put("role", "assistant").put("content", "");
        res.write(Buffer.buffer(SseEncoder.data(first.toString())));
        sendWord(res, model, words, 0, promptTokens, includeUsage);
    }

    private void sendWord(HttpServerResponse res, String model, List<String> words, int i, long promptTokens, boolean includeUsage) {
        if (res.closed()) {
            return;
        }
        if (i < words.size()) {
            ObjectNode c = chunk(model);
            c.withArray("choices").addObject().put("index", 0).putNull("finish_reason")
                    .putObject("delta").put("content", (i == 0 ? "" : " ") + words.get(i));
            res.write(Buffer.buffer(SseEncoder.data(c.toString())));
            vertx.setTimer(WORD_DELAY_MS, id -> sendWord(res, model, words, i + 1, promptTokens, includeUsage));
            return;
        }
        ObjectNode last = chunk(model);
        last.withArray("choices").addObject().put("index", 0).put("finish_reason", "stop").putObject("delta");
        Buffer out = Buffer.buffer(SseEncoder.data(last.toString()));
        if (includeUsage) {
            ObjectNode u = chunk(model);
            u.putArray("choices");
            usage(u, promptTokens, words.size());
            out.appendBytes(SseEncoder.data(u.toString()));
        }
        out.appendBytes(SseEncoder.data("[DONE]"));
        res.end(out);
    }

    private void completion(HttpServerResponse res, JsonNode request) {
        String prompt = request.path("prompt").isArray() ? request.path("prompt").path(0).asText() : request.path("prompt").asText();
        ObjectNode out = envelope("text_completion", request.path("model").asText("echo"));
        ObjectNode choice = out.putArray("choices").addObject();
        choice.put("index", 0);
        choice.put("text", "You said: " + prompt);
        choice.putNull("logprobs");
        choice.put("finish_reason", "stop");
        usage(out, countWords(prompt), countWords(prompt) + 2);
        res.putHeader("content-type", "application/json").end(Buffer.buffer(out.toString()));
    }

    private void embeddings(HttpServerResponse res, JsonNode request) {
        List<String> inputs = new ArrayList<>();
        JsonNode input = request.path("input");
        if (input.isArray()) {
            input.forEach(n -> inputs.add(n.isTextual() ? n.asText() : n.toString()));
        } else {
            inputs.add(input.asText());
        }
        boolean base64 = "base64".equals(request.path("encoding_format").asText());
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("object", "list");
        ArrayNode data = out.putArray("data");
        long tokens = 0;
        for (int i = 0; i < inputs.size(); i++) {
            float[] vector = vector(inputs.get(i));
            ObjectNode e = data.addObject();
            e.put("object", "embedding");
            e.put("index", i);
            if (base64) {
                ByteBuffer bytes = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (float f : vector) {
                    bytes.putFloat(f);
                }
                e.put("embedding", Base64.getEncoder().encodeToString(bytes.array()));
            } else {
                ArrayNode arr = e.putArray("embedding");
                for (float f : vector) {
                    arr.add(f);
                }
            }
            tokens += countWords(inputs.get(i));
        }
        out.put("model", request.path("model").asText("echo"));
        out.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
        res.putHeader("content-type", "application/json").end(Buffer.buffer(out.toString()));
    }

    /** A unit vector derived from the text, the same every time. */
    private static float[] vector(String text) {
        float[] v = new float[EMBEDDING_DIMS];
        long seed = text.hashCode();
        double norm = 0;
        for (int i = 0; i < v.length; i++) {
            seed = seed * 6364136223846793005L + 1442695040888963407L;
            v[i] = (float) (((seed >>> 33) % 2000) / 1000.0 - 1.0);
            norm += v[i] * v[i];
        }
        float scale = (float) (1 / Math.sqrt(norm == 0 ? 1 : norm));
        for (int i = 0; i < v.length; i++) {
            v[i] *= scale;
        }
        return v;
    }

    private static String lastUserText(JsonNode messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonNode m = messages.get(i);
            if ("user".equals(m.path("role").asText())) {
                JsonNode content = m.path("content");
                if (content.isTextual()) {
                    return content.asText();
                }
                StringBuilder sb = new StringBuilder();
                content.forEach(part -> {
                    if ("text".equals(part.path("type").asText())) {
                        sb.append(sb.isEmpty() ? "" : " ").append(part.path("text").asText());
                    }
                });
                return sb.toString();
            }
        }
        return "";
    }

    private static ObjectNode envelope(String object, String model) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("id", "demo-" + Long.toHexString(System.nanoTime()));
        out.put("object", object);
        out.put("created", System.currentTimeMillis() / 1000);
        out.put("model", model);
        return out;
    }

    private static ObjectNode chunk(String model) {
        ObjectNode c = envelope("chat.completion.chunk", model);
        c.putArray("choices");
        return c;
    }

    private static void usage(ObjectNode out, long prompt, long completion) {
        out.putObject("usage").put("prompt_tokens", prompt).put("completion_tokens", completion)
                .put("total_tokens", prompt + completion);
    }

    private static List<String> words(String text) {
        return List.of(text.trim().split("\\s+"));
    }

    private static long countWords(String text) {
        String t = text.trim();
        return t.isEmpty() ? 0 : t.split("\\s+").length;
    }

    private static void error(HttpServerResponse res, int status, String message) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.putObject("error").put("message", message).put("type", "invalid_request_error");
        res.setStatusCode(status).putHeader("content-type", "application/json").end(out.toString());
    }
}
