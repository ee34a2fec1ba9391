package dev.switchboard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * A local, strict Anthropic Messages API: {@code POST /v1/messages} only, with {@code x-api-key} and
 * {@code anthropic-version} required and the body checked by {@link AnthropicRequestRules}; anything else is
 * refused in Anthropic's error shape. It answers in Anthropic's wire format, as a message or (with
 * {@code stream: true}) as the documented event sequence, and records every request. Answers: "echo: " and the
 * last user text; with tools (and tool_choice not none) two parallel tool_use blocks; after tool results, a text
 * naming them. Usage always reports input 21, cache writes 5, cache reads 13, output 9.
 * Tests script failures with {@link #enqueue}; a script answers the next request that passes the checks.
 */
public final class FakeAnthropicUpstream extends RecordingFake<FakeAnthropicUpstream.Behavior> {
    public static final String API_KEY = GatewayFixture.UPSTREAM_KEY;
    public static final String MODEL = "claude-sonnet-4-5";
    public static final int INPUT_TOKENS = 21;
    public static final int CACHE_CREATION_TOKENS = 5;
    public static final int CACHE_READ_TOKENS = 13;
    public static final int OUTPUT_TOKENS = 9;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A scripted answer, given the request and its parsed body. */
    public interface Behavior extends BiConsumer<HttpServerRequest, JsonNode> {}

    private final AtomicInteger messageCount = new AtomicInteger();
    private volatile boolean schemaAware;

    private FakeAnthropicUpstream() {
        // RecordingFake starts the server
    }

    public static FakeAnthropicUpstream start() {
        return new FakeAnthropicUpstream();
    }

    /**
     * Answers as {@link AnthropicSchemaAnswers} says instead of the fixed answers: tool calls by {@link ToolPlay},
     * {@code output_config.format} json_schema, and {@code thread} refused with {@code thread_unsupported_request}.
     */
    public FakeAnthropicUpstream schemaAware() {
        schemaAware = true;
        return this;
    }

    /** Base URL including {@code /v1}, as a provider's {@code base_url}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.actualPort() + "/v1";
    }

    /** A gateway config with one anthropic provider {@code claude} pointing here, alias {@code sonnet}, and the test key. */
    public String gatewayYaml() {
        return """
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                providers:
                  - name: claude
                    type: anthropic
                    base_url: %s
                    api_key: %s
                    models: [%s]
                models:
                  - { name: sonnet, target: claude/%s }
                keys:
                  - { name: tester, key: %s }
                """.formatted(baseUrl(), API_KEY, MODEL, MODEL, GatewayFixture.KEY);
    }

    @Override
    protected void handle(HttpServerRequest req, Buffer body) {
        record(req, body);
        if (!req.method().name().equals("POST") || !req.path().equals("/v1/messages")) {
            error(404, "not_found_error", "Not Found").accept(req, null);
            return;
        }
        String key = req.getHeader("x-api-key");
        if (key == null) {
            error(401, "authentication_error", "x-api-key header is required").accept(req, null);
            return;
        }
        if (!key.equals(API_KEY)) {
            error(401, "authentication_error", "invalid x-api-key").accept(req, null);
            return;
        }
        JsonNode json;
        try {
            String version = req.getHeader("anthropic-version");
            if (version == null) {
                throw new AnthropicRequestRules.Invalid("anthropic-version: header is required");
            }
            // 2026-10-21: what the pinned anthropic-java SDK sends, forwarded as is on the native path
            if (!version.equals("2023-06-01") && !version.equals("2023-01-01") && !version.equals("2026-10-21")) {
                throw new AnthropicRequestRules.Invalid("anthropic-version: invalid version '" + version + "'");
            }
            String type = req.getHeader("content-type");
            if (type == null || !type.startsWith("application/json")) {
                throw new AnthropicRequestRules.Invalid("Content-Type must be application/json");
            }
            try {
                json = MAPPER.readTree(body.getBytes());
            } catch (Exception e) {
                throw new AnthropicRequestRules.Invalid("There was an issue with your request body: invalid JSON");
            }
            if (schemaAware && json.has("thread")) {
                AnthropicSchemaAnswers.threadUnsupported().accept(req, json);
                return;
            }
            AnthropicRequestRules.check(schemaAware ? AnthropicSchemaAnswers.withoutOutputConfig(json) : json);
        } catch (AnthropicRequestRules.Invalid e) {
            rejections.add(e.getMessage());
            error(400, "invalid_request_error", e.getMessage()).accept(req, null);
            return;
        }
        Behavior b = nextScripted();
        (b != null ? b : (Behavior) this::simulate).accept(req, json);
    }

    // ---- scripted behaviours -------------------------------------------------------------------

    /** Anthropic's error answer: {@code {"type":"error","error":{"type","message"},"request_id"}}, with extra headers. */
    public static Behavior error(int status, String type, String message, String... headerPairs) {
        return (req, json) -> {
            HttpServerResponse res = req.response().setStatusCode(status)
                    .putHeader("content-type", "application/json").putHeader("request-id", "req_011CTestFake");
            for (int i = 0; i + 1 < headerPairs.length; i += 2) {
                res.putHeader(headerPairs[i], headerPairs[i + 1]);
            }
            res.end(errorBody(type, message));
        };
    }

    public static String errorBody(String type, String message) {
        return errorNode(type, message).toString();
    }

    private static ObjectNode errorNode(String type, String message) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("type", "error");
        root.putObject("error").put("type", type).put("message", message);
        root.put("request_id", "req_011CTestFake");
        return root;
    }

    /** Streams the first {@code keep} events of the normal answer, then an {@code error} event, then ends. */
    public Behavior errorMidStream(int keep, String type, String message) {
        return (req, json) -> {
            List<String> events = new ArrayList<>(streamEvents(json).subList(0, keep));
            events.add(event("error", errorNode(type, message)));
            writeStream(req.response(), events, true);
        };
    }

    /** Streams the normal answer without its message_stop, then resets the connection or (cleanly) ends. */
    public Behavior cutBeforeMessageStop(boolean abrupt) {
        return (req, json) -> {
            List<String> events = streamEvents(json);
            writeStream(req.response(), events.subList(0, events.size() - 1), !abrupt);
        };
    }

    /** Streams the normal answer, then keeps the connection open this long after message_stop before ending it. */
    public Behavior slowCloseAfterMessageStop(Duration delay) {
        return (req, json) -> writeStream(req.response(), streamEvents(json), true, delay);
    }

    /** A Messages answer with this body. */
    public static Behavior answer(String body) {
        return (req, json) -> req.response().putHeader("content-type", "application/json").end(body);
    }

    /** A stream of these SSE events ({@code {event, data}} pairs), ended cleanly. */
    public static Behavior rawStream(List<String[]> events) {
        return (req, json) -> {
            StringBuilder sse = new StringBuilder();
            for (String[] e : events) {
                sse.append("event: ").append(e[0]).append("\ndata: ").append(e[1]).append("\n\n");
            }
            req.response().setChunked(true).putHeader("content-type", "text/event-stream").end(sse.toString());
        };
    }

    // ---- the simulator -------------------------------------------------------------------------

    private void simulate(HttpServerRequest req, JsonNode json) {
        if (json.path("stream").asBoolean(false)) {
            writeStream(req.response(), streamEvents(json), true);
        } else {
            req.response().putHeader("content-type", "application/json").end(message(json).toString());
        }
    }

    /** The complete message this request is answered with. */
    private ObjectNode message(JsonNode request) {
        ObjectNode m = MAPPER.createObjectNode();
        m.put("id", "msg_01Fake" + messageCount.incrementAndGet());
        m.put("type", "message");
        m.put("role", "assistant");
        m.put("model", request.path("model").asText());
        ArrayNode content = m.putArray("content");
        List<ObjectNode> calls = schemaAware ? AnthropicSchemaAnswers.toolCalls(request, messageCount.get()) : toolCalls(request);
        if (calls.isEmpty()) {
            String text = schemaAware ? AnthropicSchemaAnswers.structured(request) : null;
            content.addObject().put("type", "text").put("text", text != null ? text : answerText(request));
        } else {
            if (!"any".equals(request.path("tool_choice").path("type").asText())
                    && !"tool".equals(request.path("tool_choice").path("type").asText())) {
                content.addObject().put("type", "text").put("text", "Let me check both cities.");
            }
            calls.forEach(content::add);
        }
        m.put("stop_reason", calls.isEmpty() ? "end_turn" : "tool_use");
        m.putNull("stop_sequence");
        ObjectNode usage = m.putObject("usage");
        usage.put("input_tokens", INPUT_TOKENS);
        usage.put("cache_creation_input_tokens", CACHE_CREATION_TOKENS);
        usage.put("cache_read_input_tokens", CACHE_READ_TOKENS);
        usage.put("output_tokens", OUTPUT_TOKENS);
        usage.put("service_tier", "standard");
        return m;
    }

    /** Two parallel calls (one with disable_parallel_tool_use), of the named tool or of the first two tools. */
    private List<ObjectNode> toolCalls(JsonNode request) {
        JsonNode tools = request.path("tools");
        JsonNode choice = request.path("tool_choice");
        if (!tools.isArray() || tools.isEmpty() || "none".equals(choice.path("type").asText()) || lastUserHasToolResult(request)) {
            return List.of();
        }
        boolean named = "tool".equals(choice.path("type").asText());
        int count = choice.path("disable_parallel_tool_use").asBoolean(false) ? 1 : 2;
        List<ObjectNode> calls = new ArrayList<>();
        String[] cities = {"Paris", "Tokyo"};
        for (int k = 0; k < count; k++) {
            String name = named ? choice.path("name").asText() : tools.get(Math.min(k, tools.size() - 1)).path("name").asText();
            ObjectNode call = MAPPER.createObjectNode();
            call.put("type", "tool_use");
            call.put("id", "toolu_01Fake" + messageCount.get() + "x" + k);
            call.put("name", name);
            call.putObject("input").put("city", cities[k]).put("unit", "celsius");
            calls.add(call);
        }
        return calls;
    }

    static boolean lastUserHasToolResult(JsonNode request) {
        JsonNode messages = request.path("messages");
        JsonNode last = messages.get(messages.size() - 1);
        for (JsonNode b : last.path("content")) {
            if ("tool_result".equals(b.path("type").asText())) {
                return true;
            }
        }
        return false;
    }

    /** "echo: " and the last user text; after tool results, "results: " and their contents joined by "; ". */
    private static String answerText(JsonNode request) {
        JsonNode messages = request.path("messages");
        JsonNode last = messages.get(messages.size() - 1);
        JsonNode c = last.path("content");
        if (c.isTextual()) {
            return "echo: " + c.asText();
        }
        List<String> results = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (JsonNode b : c) {
            if ("tool_result".equals(b.path("type").asText())) {
                JsonNode rc = b.path("content");
                results.add(b.path("tool_use_id").asText() + "=" + (rc.isTextual() ? rc.asText() : rc.path(0).path("text").asText()));
            } else if ("text".equals(b.path("type").asText())) {
                text.append(b.path("text").asText());
            }
        }
        return results.isEmpty() ? "echo: " + text : "results: " + String.join("; ", results);
    }

    /** The documented stream of this request's message, each entry one framed event. */
    private List<String> streamEvents(JsonNode request) {
        ObjectNode full = message(request);
        List<String> events = new ArrayList<>();
        ObjectNode start = full.deepCopy();
        start.putArray("content");
        start.putNull("stop_reason");
        ((ObjectNode) start.get("usage")).put("output_tokens", 1);
        events.add(event("message_start", MAPPER.createObjectNode().put("type", "message_start").set("message", start)));
        JsonNode content = full.get("content");
        for (int i = 0; i < content.size(); i++) {
            JsonNode block = content.get(i);
            ObjectNode opened = block.deepCopy();
            if (block.path("type").asText().equals("text")) {
                opened.put("text", "");
            } else {
                opened.putObject("input");
            }
            events.add(event("content_block_start", MAPPER.createObjectNode().put("type", "content_block_start").put("index", i)
                    .set("content_block", opened)));
            if (i == 0) {
                events.add(event("ping", MAPPER.createObjectNode().put("type", "ping")));
            }
            List<ObjectNode> deltas = new ArrayList<>();
            if (block.path("type").asText().equals("text")) {
                for (String piece : block.path("text").asText().split("(?= )")) {
                    deltas.add(MAPPER.createObjectNode().put("type", "text_delta").put("text", piece));
                }
            } else {
                String input = block.get("input").toString();
                int a = input.length() / 3;
                int b = 2 * input.length() / 3;
                for (String part : List.of("", input.substring(0, a), input.substring(a, b), input.substring(b))) {
                    deltas.add(MAPPER.createObjectNode().put("type", "input_json_delta").put("partial_json", part));
                }
            }
            for (ObjectNode d : deltas) {
                events.add(event("content_block_delta", MAPPER.createObjectNode().put("type", "content_block_delta").put("index", i)
                        .set("delta", d)));
            }
            events.add(event("content_block_stop", MAPPER.createObjectNode().put("type", "content_block_stop").put("index", i)));
        }
        ObjectNode delta = MAPPER.createObjectNode().put("type", "message_delta");
        delta.putObject("delta").put("stop_reason", full.path("stop_reason").asText()).putNull("stop_sequence");
        delta.putObject("usage").put("output_tokens", OUTPUT_TOKENS);
        events.add(event("message_delta", delta));
        events.add(event("message_stop", MAPPER.createObjectNode().put("type", "message_stop")));
        return events;
    }

    private static String event(String name, JsonNode data) {
        return "event: " + name + "\ndata: " + data + "\n\n";
    }

    private void writeStream(HttpServerResponse res, List<String> events, boolean endCleanly) {
        writeStream(res, events, endCleanly, Duration.ofMillis(3));
    }

    private void writeStream(HttpServerResponse res, List<String> events, boolean endCleanly, Duration endDelay) {
        res.setChunked(true).putHeader("content-type", "text/event-stream; charset=utf-8").putHeader("cache-control", "no-cache");
        writeEvents(res, events, 0, endCleanly, endDelay);
    }

    /** One event every 3 ms; the end (clean, or a reset that closes the connection mid-body) {@code endDelay} after the last. */
    private void writeEvents(HttpServerResponse res, List<String> events, int i, boolean endCleanly, Duration endDelay) {
        if (res.closed()) {
            return;
        }
        if (i == events.size()) {
            if (endCleanly) {
                res.end();
            } else {
                res.reset();
            }
            return;
        }
        res.write(events.get(i));
        long gap = i == events.size() - 1 ? Math.max(1, endDelay.toMillis()) : 3;
        vertx.setTimer(gap, id -> writeEvents(res, events, i + 1, endCleanly, endDelay));
    }
}
