package dev.switchboard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.zip.CRC32;

/**
 * A local, strict AWS Bedrock runtime: {@code POST /model/{modelId}/converse} and {@code /converse-stream} only.
 * Every request must carry a SigV4 {@code Authorization} for service bedrock, region us-east-1 and this fake's key,
 * which is recomputed here with this class's own implementation (independent of the gateway's signer), plus a
 * matching {@code x-amz-content-sha256}. Bodies are checked as the real API does: unknown fields refused, roles
 * user/assistant alternating from user, toolResult ids answering the previous turn's toolUse, toolConfig present
 * when the history holds tool blocks. Violations are answered as ValidationException and recorded in
 * {@link #rejections()}.
 * <p>Answers: "echo: " and the last user text; with tools (and no toolResult last) toolUse blocks (see
 * {@link #toolUses}: get_weather alone is {"city":"Paris"}); after toolResults, "results: " and
 * their texts. Streams use the binary event-stream framing, each frame written in two pieces. Usage: input 12, output 7, cache read 5.
 */
public final class FakeBedrockUpstream extends RecordingFake<FakeBedrockUpstream.Behavior> {
    public static final String ACCESS_KEY = "AKIDFAKEBEDROCK";
    public static final String SECRET_KEY = "fake/Secret+Key/0123456789";
    public static final String REGION = "us-east-1";
    public static final String MODEL = "anthropic.claude-3-haiku-20240307-v1:0";
    public static final int INPUT_TOKENS = 12;
    public static final int OUTPUT_TOKENS = 7;
    public static final int CACHE_READ_TOKENS = 5;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> TOP = Set.of("messages", "system", "inferenceConfig", "toolConfig", "guardrailConfig",
            "additionalModelRequestFields", "promptVariables", "additionalModelResponseFieldPaths", "requestMetadata",
            "performanceConfig");
    private static final Set<String> INFERENCE = Set.of("maxTokens", "temperature", "topP", "stopSequences");
    private static final Set<String> BLOCK = Set.of("text", "image", "document", "video", "toolUse", "toolResult",
            "guardContent", "cachePoint", "reasoningContent");

    public interface Behavior extends BiConsumer<HttpServerRequest, JsonNode> {}

    static final class Invalid extends RuntimeException {
        Invalid(String message) {
            super(message);
        }
    }


    private volatile boolean schemaAware;

    private FakeBedrockUpstream() {
        // RecordingFake starts the server
    }

    public static FakeBedrockUpstream start() {
        return new FakeBedrockUpstream();
    }

    /** Answers tool calls as {@link BedrockSchemaAnswers} says, instead of the one fixed get_weather call. */
    public FakeBedrockUpstream schemaAware() {
        schemaAware = true;
        return this;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    /** One bedrock provider {@code aws} pointing here, alias {@code claude}, and the test key. */
    public String gatewayYaml() {
        return """
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                providers:
                  - name: aws
                    type: bedrock
                    base_url: %s
                    api_key: "%s:%s"
                    models: ["%s"]
                models:
                  - { name: claude, target: "aws/%s" }
                keys:
                  - { name: tester, key: %s }
                """.formatted(baseUrl(), ACCESS_KEY, SECRET_KEY, MODEL, MODEL, GatewayFixture.KEY);
    }

    @Override
    protected void handle(HttpServerRequest req, Buffer body) {
        record(req, body);
        String path = req.path();
        boolean stream = path.endsWith("/converse-stream");
        if (!req.method().name().equals("POST") || !path.startsWith("/model/") || !(stream || path.endsWith("/converse"))) {
            error(404, "UnknownOperationException", null).accept(req, null);
            return;
        }
        String signatureProblem = SigV4Check.verifySignature(req, body.getBytes());
        if (signatureProblem != null) {
            rejections.add(signatureProblem);
            error(403, "InvalidSignatureException", signatureProblem).accept(req, null);
            return;
        }
        JsonNode json;
        try {
            String type = req.getHeader("content-type");
            if (type == null || !type.startsWith("application/json")) {
                throw new Invalid("Content-Type must be application/json");
            }
            try {
                json = MAPPER.readTree(body.getBytes());
            } catch (Exception e) {
                throw new Invalid("Malformed input request, please reformat your input and try again.");
            }
            check(json);
        } catch (Invalid e) {
            rejections.add(e.getMessage());
            error(400, "ValidationException", e.getMessage()).accept(req, null);
            return;
        }
        Behavior b = nextScripted();
        (b != null ? b : (Behavior) (r, j) -> simulate(r, j, stream)).accept(req, json);
    }

    // ---- the rules -------------------------------------------------------------------------------

    private static void check(JsonNode body) {
        known(body, TOP, "request");
        if (body.has("inferenceConfig")) {
            known(body.get("inferenceConfig"), INFERENCE, "inferenceConfig");
        }
        JsonNode messages = body.path("messages");
        if (!messages.isArray() || messages.isEmpty()) {
            throw new Invalid("messages must not be empty");
        }
        boolean toolBlocks = false;
        List<String> lastToolUses = List.of();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode msg = messages.get(i);
            known(msg, Set.of("role", "content"), "messages." + i);
            String role = msg.path("role").asText();
            if (!role.equals(i % 2 == 0 ? "user" : "assistant")) {
                throw new Invalid("A conversation must alternate between user and assistant roles, starting with user.");
            }
            List<String> uses = new ArrayList<>();
            for (JsonNode block : msg.path("content")) {
                known(block, BLOCK, "messages." + i + ".content");
                if (block.size() != 1) {
                    throw new Invalid("a content block must hold exactly one member");
                }
                if (block.has("toolUse")) {
                    toolBlocks = true;
                    known(block.get("toolUse"), Set.of("toolUseId", "name", "input"), "toolUse");
                    if (!role.equals("assistant") || !block.at("/toolUse/input").isObject()) {
                        throw new Invalid("toolUse must be an assistant block with an object input");
                    }
                    uses.add(block.at("/toolUse/toolUseId").asText());
                }
                if (block.has("toolResult")) {
                    toolBlocks = true;
                    known(block.get("toolResult"), Set.of("toolUseId", "content", "status"), "toolResult");
                    if (!lastToolUses.contains(block.at("/toolResult/toolUseId").asText())) {
                        throw new Invalid("toolResult " + block.at("/toolResult/toolUseId").asText()
                                + " does not answer a toolUse of the previous turn");
                    }
                }
            }
            lastToolUses = uses;
        }
        if (toolBlocks && !body.has("toolConfig")) {
            throw new Invalid("The toolConfig field must be defined when using toolUse and toolResult content blocks.");
        }
        if (body.has("toolConfig")) {
            toolConfig(body.get("toolConfig"));
        }
    }

    /** tools non-empty; toolChoice one of auto / any / tool, a named tool among the tools. */
    private static void toolConfig(JsonNode config) {
        known(config, Set.of("tools", "toolChoice"), "toolConfig");
        if (!config.path("tools").isArray() || config.path("tools").isEmpty()) {
            throw new Invalid("toolConfig.tools must hold at least one tool");
        }
        Set<String> names = new java.util.HashSet<>();
        for (JsonNode t : config.path("tools")) {
            known(t, Set.of("toolSpec", "cachePoint"), "toolConfig.tools");
            known(t.path("toolSpec"), Set.of("name", "description", "inputSchema"), "toolSpec");
            known(t.path("toolSpec").path("inputSchema"), Set.of("json"), "inputSchema");
            if (!t.at("/toolSpec/inputSchema/json").isObject()) {
                throw new Invalid("toolSpec.inputSchema.json must be a JSON object");
            }
            names.add(t.at("/toolSpec/name").asText());
        }
        if (config.has("toolChoice")) {
            JsonNode choice = config.get("toolChoice");
            known(choice, Set.of("auto", "any", "tool"), "toolChoice");
            if (choice.size() != 1) {
                throw new Invalid("toolChoice is a union: exactly one member must be set");
            }
            if (choice.has("tool")) {
                known(choice.get("tool"), Set.of("name"), "toolChoice.tool");
                if (!names.contains(choice.at("/tool/name").asText())) {
                    throw new Invalid("toolChoice.tool.name " + choice.at("/tool/name") + " is not one of the tools");
                }
            }
        }
    }

    private static void known(JsonNode node, Set<String> allowed, String where) {
        if (!node.isObject()) {
            throw new Invalid("Malformed input request: " + where + " must be an object");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw new Invalid("Malformed input request: extraneous key [" + f + "] is not permitted at " + where);
            }
        }
    }

    // ---- scripted behaviours ---------------------------------------------------------------------

    /** Bedrock's error answer: {@code {"message":…}} with x-amzn-ErrorType, plus extra headers. */
    public static Behavior error(int code, String type, String message, String... headerPairs) {
        return (req, json) -> {
            HttpServerResponse res = req.response().setStatusCode(code).putHeader("content-type", "application/json")
                    .putHeader("x-amzn-ErrorType", type + ":http://internal.amazon.com/coral/com.amazon.bedrock/");
            for (int i = 0; i + 1 < headerPairs.length; i += 2) {
                res.putHeader(headerPairs[i], headerPairs[i + 1]);
            }
            ObjectNode root = MAPPER.createObjectNode();
            root.put("message", message);
            res.end(root.toString());
        };
    }

    /** A stream that sends some text, then the given exception message. */
    public Behavior streamException(String exceptionType, String message) {
        return (req, json) -> {
            List<byte[]> frames = new ArrayList<>();
            frames.add(event("messageStart", MAPPER.createObjectNode().put("role", "assistant")));
            frames.add(event("contentBlockDelta", textDelta("partial")));
            frames.add(frame(Map.of(":message-type", "exception", ":exception-type", exceptionType,
                    ":content-type", "application/json"), MAPPER.createObjectNode().put("message", message).toString()));
            writeFrames(req.response(), frames);
        };
    }

    /**
     * A ConverseStream of the given events ({@code {type, payload JSON}} pairs) as a bad upstream might send them;
     * with {@code cut}, the connection is closed after the last one instead of the stream being ended.
     */
    public Behavior scriptedStream(List<String[]> events, boolean cut) {
        return (req, json) -> {
            HttpServerResponse res = req.response().setChunked(true).putHeader("content-type", "application/vnd.amazon.eventstream");
            for (String[] e : events) {
                Map<String, String> h = new LinkedHashMap<>();
                h.put(":event-type", e[0]);
                h.put(":content-type", "application/json");
                h.put(":message-type", "event");
                res.write(Buffer.buffer(frame(h, e[1])));
            }
            if (cut) {
                vertx.setTimer(20, t -> req.connection().close());
            } else {
                res.end();
            }
        };
    }

    /** A Converse (non-streamed) answer with the given body. */
    public static Behavior answer(String body) {
        return (req, json) -> req.response().putHeader("content-type", "application/json").end(body);
    }

    // ---- the simulator ---------------------------------------------------------------------------

    private void simulate(HttpServerRequest req, JsonNode body, boolean stream) {
        JsonNode last = body.path("messages").get(body.path("messages").size() - 1);
        List<String> results = new ArrayList<>();
        String lastText = "";
        for (JsonNode block : last.path("content")) {
            if (block.has("toolResult")) {
                for (JsonNode c : block.at("/toolResult/content")) {
                    results.add(c.path("text").asText());
                }
            } else if (block.has("text")) {
                lastText = block.get("text").asText();
            }
        }
        List<ObjectNode> calls = !body.has("toolConfig") || !results.isEmpty() ? List.of()
                : schemaAware ? BedrockToolUses.of(BedrockSchemaAnswers.calls(body, lastText))
                : BedrockToolUses.fixed(body.get("toolConfig"));
        boolean callTool = !calls.isEmpty();
        String text = !results.isEmpty() ? "results: " + String.join(", ", results) : callTool ? null : "echo: " + lastText;
        ObjectNode usage = MAPPER.createObjectNode().put("inputTokens", INPUT_TOKENS).put("outputTokens", OUTPUT_TOKENS)
                .put("totalTokens", INPUT_TOKENS + OUTPUT_TOKENS + CACHE_READ_TOKENS).put("cacheReadInputTokens", CACHE_READ_TOKENS)
                .put("cacheWriteInputTokens", 0);
        if (!stream) {
            ObjectNode out = MAPPER.createObjectNode();
            ObjectNode msg = out.putObject("output").putObject("message");
            msg.put("role", "assistant");
            ArrayNode content = msg.putArray("content");
            if (callTool) {
                calls.forEach(c -> content.addObject().set("toolUse", c));
            } else {
                content.addObject().put("text", text);
            }
            out.put("stopReason", callTool ? "tool_use" : "end_turn");
            out.set("usage", usage);
            out.putObject("metrics").put("latencyMs", 42);
            req.response().putHeader("content-type", "application/json").end(out.toString());
            return;
        }
        List<byte[]> frames = new ArrayList<>();
        frames.add(event("messageStart", MAPPER.createObjectNode().put("role", "assistant")));
        if (callTool) {
            for (int i = 0; i < calls.size(); i++) {
                ObjectNode use = calls.get(i);
                ObjectNode start = MAPPER.createObjectNode().put("contentBlockIndex", i);
                start.putObject("start").putObject("toolUse").put("toolUseId", use.path("toolUseId").asText())
                        .put("name", use.path("name").asText());
                frames.add(event("contentBlockStart", start));
                String input = use.get("input").toString();
                int cut = input.indexOf(':') + 1; // the input JSON in two pieces, as Bedrock streams it
                String[] pieces = cut == 0 ? new String[] {input} : new String[] {input.substring(0, cut), input.substring(cut)};
                for (String piece : pieces) {
                    ObjectNode d = MAPPER.createObjectNode().put("contentBlockIndex", i);
                    d.putObject("delta").putObject("toolUse").put("input", piece);
                    frames.add(event("contentBlockDelta", d));
                }
                frames.add(event("contentBlockStop", MAPPER.createObjectNode().put("contentBlockIndex", i)));
            }
        } else {
            for (String word : text.split("(?<= )")) {
                frames.add(event("contentBlockDelta", textDelta(word)));
            }
            frames.add(event("contentBlockStop", MAPPER.createObjectNode().put("contentBlockIndex", 0)));
        }
        frames.add(event("messageStop", MAPPER.createObjectNode().put("stopReason", callTool ? "tool_use" : "end_turn")));
        ObjectNode meta = MAPPER.createObjectNode();
        meta.set("usage", usage);
        meta.putObject("metrics").put("latencyMs", 42);
        frames.add(event("metadata", meta));
        writeFrames(req.response(), frames);
    }

    private static ObjectNode textDelta(String text) {
        ObjectNode d = MAPPER.createObjectNode().put("contentBlockIndex", 0);
        d.putObject("delta").put("text", text);
        return d;
    }

    private void writeFrames(HttpServerResponse res, List<byte[]> frames) {
        res.setChunked(true).putHeader("content-type", "application/vnd.amazon.eventstream");
        List<byte[]> pieces = new ArrayList<>();
        for (byte[] f : frames) { // each frame split in two writes: the gateway must reassemble
            int cut = Math.min(f.length - 1, 9);
            pieces.add(java.util.Arrays.copyOfRange(f, 0, cut));
            pieces.add(java.util.Arrays.copyOfRange(f, cut, f.length));
        }
        write(res, pieces, 0);
    }

    private void write(HttpServerResponse res, List<byte[]> pieces, int i) {
        if (res.closed()) {
            return;
        }
        if (i == pieces.size()) {
            res.end();
            return;
        }
        res.write(Buffer.buffer(pieces.get(i)));
        vertx.setTimer(2, t -> write(res, pieces, i + 1));
    }

    private static byte[] event(String type, JsonNode payload) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put(":event-type", type);
        h.put(":content-type", "application/json");
        h.put(":message-type", "event");
        return frame(h, payload.toString());
    }

    /** The event-stream framing, written independently of the gateway's decoder. */
    static byte[] frame(Map<String, String> headers, String payload) {
        ByteArrayOutputStream hs = new ByteArrayOutputStream();
        new TreeMap<>(headers).forEach((k, v) -> {
            byte[] name = k.getBytes(StandardCharsets.UTF_8);
            byte[] value = v.getBytes(StandardCharsets.UTF_8);
            hs.write(name.length);
            hs.writeBytes(name);
            hs.write(7); // string
            hs.write((value.length >>> 8) & 0xff);
            hs.write(value.length & 0xff);
            hs.writeBytes(value);
        });
        byte[] hb = hs.toByteArray();
        byte[] pb = payload.getBytes(StandardCharsets.UTF_8);
        int total = 16 + hb.length + pb.length;
        ByteBuffer buf = ByteBuffer.allocate(total);
        buf.putInt(total).putInt(hb.length);
        CRC32 crc = new CRC32();
        crc.update(buf.array(), 0, 8);
        buf.putInt((int) crc.getValue()).put(hb).put(pb);
        crc.reset();
        crc.update(buf.array(), 0, total - 4);
        buf.putInt((int) crc.getValue());
        return buf.array();
    }
}
