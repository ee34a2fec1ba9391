package dev.switchboard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * A local upstream that speaks OpenAI's real wire format (chat completions with tools, n, logprobs and
 * streaming incl. the usage chunk; legacy completions; embeddings as floats or base64; models) and records
 * every request it receives. Tests script failures with {@link #enqueue}: each scripted behaviour answers
 * one request, then the simulator answers again.
 */
public final class FakeUpstream implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A scripted answer: given the request and its response, do anything (or nothing, to hang). */
    public interface Behavior extends BiConsumer<HttpServerRequest, Buffer> {}

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedDeque<Behavior> script = new ConcurrentLinkedDeque<>();
    private final AtomicInteger closedConnections = new AtomicInteger();
    private final AtomicInteger openConnections = new AtomicInteger();
    private final AtomicLong streamedBytes = new AtomicLong();
    private volatile boolean sawWriteQueueFull;

    private FakeUpstream() {
        server = vertx.createHttpServer();
        server.connectionHandler(c -> {
            openConnections.incrementAndGet();
            c.closeHandler(v -> {
                openConnections.decrementAndGet();
                closedConnections.incrementAndGet();
            });
        });
        server.requestHandler(req -> req.body().onSuccess(body -> {
            Map<String, List<String>> headers = new LinkedHashMap<>();
            req.headers().forEach(e -> headers.computeIfAbsent(e.getKey().toLowerCase(), k -> new ArrayList<>()).add(e.getValue()));
            requests.add(new RecordedRequest(req.method().name(), req.path(), req.query(), headers, body.toString()));
            Behavior b = script.pollFirst();
            (b != null ? b : (Behavior) this::simulate).accept(req, body);
        }));
        await(server.listen(0, "127.0.0.1"));
    }

    public static FakeUpstream start() {
        return new FakeUpstream();
    }

    /** Base URL including {@code /v1}, as a provider's {@code base_url}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.actualPort() + "/v1";
    }

    public int port() {
        return server.actualPort();
    }

    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    public RecordedRequest lastRequest() {
        if (requests.isEmpty()) {
            throw new AssertionError("the upstream received no request");
        }
        return requests.get(requests.size() - 1);
    }

    public void enqueue(Behavior behavior) {
        script.addLast(behavior);
    }

    public int closedConnections() {
        return closedConnections.get();
    }

    public int openConnections() {
        return openConnections.get();
    }

    public long streamedBytes() {
        return streamedBytes.get();
    }

    public boolean sawWriteQueueFull() {
        return sawWriteQueueFull;
    }

    public void reset() {
        requests.clear();
        script.clear();
    }

    public Vertx vertx() {
        return vertx;
    }

    @Override
    public void close() {
        await(vertx.close());
    }

    // ---- scripted behaviours -------------------------------------------------------------------

    /** Answers with this status, JSON body and extra headers. */
    public static Behavior json(int status, String body, String... headerPairs) {
        return (req, b) -> {
            HttpServerResponse res = req.response().setStatusCode(status).putHeader("content-type", "application/json");
            for (int i = 0; i + 1 < headerPairs.length; i += 2) {
                res.putHeader(headerPairs[i], headerPairs[i + 1]);
            }
            res.end(body);
        };
    }

    /** An OpenAI-shaped error body with this status. */
    public static Behavior error(int status, String message, String... headerPairs) {
        return json(status, "{\"error\":{\"message\":\"" + message + "\",\"type\":\"server_error\",\"param\":null,\"code\":null}}",
                headerPairs);
    }

    /** Never answers. */
    public static Behavior hang() {
        return (req, b) -> { };
    }

    /** Answers after a delay (then simulates normally). */
    public Behavior delayed(Duration delay) {
        return (req, b) -> vertx.setTimer(delay.toMillis(), id -> simulate(req, b));
    }

    /** Writes these exact byte chunks of an event stream, {@code gap} apart, then ends the response. */
    public Behavior rawStream(List<String> chunks, Duration gap) {
        return (req, b) -> {
            HttpServerResponse res = req.response().setChunked(true).putHeader("content-type", "text/event-stream");
            writeChunks(res, chunks, 0, gap, true);
        };
    }

    /** Writes these data events, {@code gap} apart, then closes the connection abruptly (no terminating chunk). */
    public Behavior dropAfter(List<String> dataEvents, Duration gap) {
        return (req, b) -> {
            HttpServerResponse res = req.response().setChunked(true).putHeader("content-type", "text/event-stream");
            List<String> chunks = dataEvents.stream().map(d -> "data: " + d + "\n\n").toList();
            writeChunks(res, chunks, 0, gap, false);
        };
    }

    /** Streams chunk events as fast as the connection takes them, for {@code total} bytes or until closed. */
    public Behavior flood(long totalBytes) {
        return (req, b) -> {
            HttpServerResponse res = req.response().setChunked(true).putHeader("content-type", "text/event-stream");
            String payload = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                    + "\"delta\":{\"content\":\"" + "x".repeat(4000) + "\"},\"finish_reason\":null}]}\n\n";
            Buffer chunk = Buffer.buffer(payload);
            floodStep(res, chunk, totalBytes);
        };
    }

    private void floodStep(HttpServerResponse res, Buffer chunk, long remaining) {
        while (remaining > 0 && !res.closed()) {
            if (res.writeQueueFull()) {
                sawWriteQueueFull = true;
                long left = remaining;
                res.drainHandler(v -> floodStep(res, chunk, left));
                return;
            }
            // count only what the connection accepted: writes after a close fail and are not counted
            res.write(chunk).onSuccess(v -> streamedBytes.addAndGet(chunk.length()));
            remaining -= chunk.length();
        }
        if (!res.closed()) {
            res.end("data: [DONE]\n\n");
        }
    }

    private void writeChunks(HttpServerResponse res, List<String> chunks, int i, Duration gap, boolean endCleanly) {
        if (res.closed()) {
            return;
        }
        if (i == chunks.size()) {
            if (endCleanly) {
                res.end();
            } else {
                res.reset(); // HTTP/1.1: closes the connection mid-body
            }
            return;
        }
        res.write(chunks.get(i));
        streamedBytes.addAndGet(chunks.get(i).length());
        if (gap.isZero()) {
            writeChunks(res, chunks, i + 1, gap, endCleanly);
        } else {
            vertx.setTimer(gap.toMillis(), id -> writeChunks(res, chunks, i + 1, gap, endCleanly));
        }
    }

    // ---- the OpenAI simulator ------------------------------------------------------------------

    private void simulate(HttpServerRequest req, Buffer body) {
        String path = req.path();
        if (req.method().name().equals("GET") && path.endsWith("/models")) {
            req.response().putHeader("content-type", "application/json")
                    .end("{\"object\":\"list\",\"data\":[{\"id\":\"gpt-4o\",\"object\":\"model\",\"created\":1715367049,\"owned_by\":\"system\"}]}");
            return;
        }
        JsonNode request;
        try {
            request = MAPPER.readTree(body.getBytes());
        } catch (Exception e) {
            json(400, "{\"error\":{\"message\":\"We could not parse the JSON body of your request.\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}")
                    .accept(req, body);
            return;
        }
        if (path.endsWith("/chat/completions")) {
            if (request.path("stream").asBoolean(false)) {
                streamChat(req.response(), request);
            } else {
                req.response().putHeader("content-type", "application/json").end(chatCompletion(request).toString());
            }
        } else if (path.endsWith("/completions")) {
            req.response().putHeader("content-type", "application/json").end(textCompletion(request).toString());
        } else if (path.endsWith("/embeddings")) {
            req.response().putHeader("content-type", "application/json").end(embeddings(request).toString());
        } else {
            json(404, "{\"error\":{\"message\":\"Unknown path\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}")
                    .accept(req, body);
        }
    }

    /** The text the simulator answers with: "echo: " and the last user text. */
    public static String answerFor(JsonNode request) {
        JsonNode messages = request.path("messages");
        String last = "";
        for (JsonNode m : messages) {
            if ("user".equals(m.path("role").asText())) {
                JsonNode c = m.path("content");
                if (c.isTextual()) {
                    last = c.asText();
                } else if (c.isArray()) {
                    StringBuilder sb = new StringBuilder();
                    for (JsonNode part : c) {
                        if ("text".equals(part.path("type").asText())) {
                            sb.append(part.path("text").asText());
                        }
                    }
                    last = sb.toString();
                }
            }
        }
        return "echo: " + last;
    }

    private static boolean wantsTools(JsonNode request) {
        JsonNode tools = request.path("tools");
        JsonNode choice = request.path("tool_choice");
        return tools.isArray() && !tools.isEmpty() && !"none".equals(choice.asText(""))
                && !hasToolResult(request);
    }

    private static boolean hasToolResult(JsonNode request) {
        for (JsonNode m : request.path("messages")) {
            if ("tool".equals(m.path("role").asText())) {
                return true;
            }
        }
        return false;
    }

    private static ObjectNode chatCompletion(JsonNode request) {
        ObjectNode out = envelope("chatcmpl-fake", "chat.completion", request.path("model").asText());
        ArrayNode choices = out.putArray("choices");
        int n = request.path("n").asInt(1);
        String text = answerFor(request);
        for (int i = 0; i < n; i++) {
            ObjectNode choice = choices.addObject();
            choice.put("index", i);
            ObjectNode message = choice.putObject("message");
            message.put("role", "assistant");
            message.putNull("refusal");
            if (wantsTools(request)) {
                message.putNull("content");
                ArrayNode calls = message.putArray("tool_calls");
                int k = 0;
                for (JsonNode tool : request.path("tools")) {
                    ObjectNode call = calls.addObject();
                    call.put("id", "call_" + i + "_" + k++);
                    call.put("type", "function");
                    call.putObject("function").put("name", tool.path("function").path("name").asText())
                            .put("arguments", "{\"city\":\"Paris\"}");
                }
                choice.put("finish_reason", "tool_calls");
            } else {
                message.put("content", responseText(request, text));
                choice.put("finish_reason", "stop");
            }
            if (request.path("logprobs").asBoolean(false)) {
                ObjectNode lp = choice.putObject("logprobs");
                ArrayNode content = lp.putArray("content");
                content.addObject().put("token", "echo").put("logprob", -0.01).putNull("bytes").putArray("top_logprobs");
                lp.putNull("refusal");
            } else {
                choice.putNull("logprobs");
            }
        }
        usage(out, request, 7 * n);
        out.put("system_fingerprint", "fp_fake");
        return out;
    }

    private static String responseText(JsonNode request, String text) {
        String type = request.path("response_format").path("type").asText("");
        if (type.equals("json_object") || type.equals("json_schema")) {
            return "{\"answer\":\"" + text.replace("\"", "'") + "\"}";
        }
        return text;
    }

    private void streamChat(HttpServerResponse res, JsonNode request) {
        String model = request.path("model").asText();
        List<String> events = new ArrayList<>();
        ObjectNode first = envelope("chatcmpl-fake", "chat.completion.chunk", model);
        first.putArray("choices").addObject().put("index", 0).putNull("logprobs").putNull("finish_reason")
                .putObject("delta").put("role", "assistant").put("content", "").putNull("refusal");
        boolean includeUsage = request.path("stream_options").path("include_usage").asBoolean(false);
        if (includeUsage) {
            first.putNull("usage");
        }
        events.add(first.toString());
        if (wantsTools(request)) {
            int k = 0;
            for (JsonNode tool : request.path("tools")) {
                ObjectNode start = envelope("chatcmpl-fake", "chat.completion.chunk", model);
                ObjectNode call = start.putArray("choices").addObject().put("index", 0).putNull("finish_reason")
                        .putObject("delta").putArray("tool_calls").addObject();
                call.put("index", k).put("id", "call_" + k).put("type", "function")
                        .putObject("function").put("name", tool.path("function").path("name").asText()).put("arguments", "");
                events.add(start.toString());
                for (String part : List.of("{\"city\"", ":\"Pa", "ris\"}")) {
                    ObjectNode delta = envelope("chatcmpl-fake", "chat.completion.chunk", model);
                    delta.putArray("choices").addObject().put("index", 0).putNull("finish_reason")
                            .putObject("delta").putArray("tool_calls").addObject().put("index", k)
                            .putObject("function").put("arguments", part);
                    events.add(delta.toString());
                }
                k++;
            }
            events.add(finish(model, "tool_calls"));
        } else {
            for (String word : responseText(request, answerFor(request)).split("(?<= )")) {
                ObjectNode c = envelope("chatcmpl-fake", "chat.completion.chunk", model);
                c.putArray("choices").addObject().put("index", 0).putNull("finish_reason").putObject("delta").put("content", word);
                if (includeUsage) {
                    c.putNull("usage");
                }
                events.add(c.toString());
            }
            events.add(finish(model, "stop"));
        }
        if (includeUsage) {
            ObjectNode u = envelope("chatcmpl-fake", "chat.completion.chunk", model);
            u.putArray("choices");
            usage(u, request, 7);
            events.add(u.toString());
        }
        events.add("[DONE]");
        res.setChunked(true).putHeader("content-type", "text/event-stream; charset=utf-8");
        writeChunks(res, events.stream().map(e -> "data: " + e + "\n\n").toList(), 0, Duration.ofMillis(5), true);
    }

    private static String finish(String model, String reason) {
        ObjectNode c = envelope("chatcmpl-fake", "chat.completion.chunk", model);
        c.putArray("choices").addObject().put("index", 0).put("finish_reason", reason).putObject("delta");
        return c.toString();
    }

    private static ObjectNode textCompletion(JsonNode request) {
        ObjectNode out = envelope("cmpl-fake", "text_completion", request.path("model").asText());
        ObjectNode choice = out.putArray("choices").addObject();
        choice.put("text", "echo: " + request.path("prompt").asText());
        choice.put("index", 0);
        choice.putNull("logprobs");
        choice.put("finish_reason", "stop");
        usage(out, request, 3);
        return out;
    }

    private static ObjectNode embeddings(JsonNode request) {
        ObjectNode out = MAPPER.createObjectNode();
        out.put("object", "list");
        ArrayNode data = out.putArray("data");
        JsonNode input = request.path("input");
        int count = input.isArray() ? input.size() : 1;
        boolean base64 = "base64".equals(request.path("encoding_format").asText());
        float[] vector = {0.25f, -0.5f, 0.125f, 1.0f};
        for (int i = 0; i < count; i++) {
            ObjectNode e = data.addObject();
            e.put("object", "embedding");
            e.put("index", i);
            if (base64) {
                ByteBuffer bb = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (float f : vector) {
                    bb.putFloat(f);
                }
                e.put("embedding", Base64.getEncoder().encodeToString(bb.array()));
            } else {
                ArrayNode arr = e.putArray("embedding");
                for (float f : vector) {
                    arr.add(f);
                }
            }
        }
        out.put("model", request.path("model").asText());
        out.putObject("usage").put("prompt_tokens", 5 * count).put("total_tokens", 5 * count);
        return out;
    }

    private static ObjectNode envelope(String id, String object, String model) {
        ObjectNode out = MAPPER.createObjectNode();
        out.put("id", id);
        out.put("object", object);
        out.put("created", 1_731_000_000L);
        out.put("model", model);
        return out;
    }

    /** Usage with details: 11 prompt tokens of which 3 cached; completion tokens of which 2 reasoning. */
    private static void usage(ObjectNode out, JsonNode request, int completion) {
        ObjectNode u = out.putObject("usage");
        u.put("prompt_tokens", 11);
        u.put("completion_tokens", completion);
        u.put("total_tokens", 11 + completion);
        u.putObject("prompt_tokens_details").put("cached_tokens", 3).put("audio_tokens", 0);
        u.putObject("completion_tokens_details").put("reasoning_tokens", 2).put("audio_tokens", 0)
                .put("accepted_prediction_tokens", 0).put("rejected_prediction_tokens", 0);
    }

    private static <T> T await(io.vertx.core.Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
