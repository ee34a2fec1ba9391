package dev.switchboard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * A local, strict Gemini API: {@code POST /v1beta/models/{model}:generateContent},
 * {@code :streamGenerateContent?alt=sse} and {@code :batchEmbedContents} only, {@code x-goog-api-key} required, and the body checked the way the
 * real API does (unknown fields are refused, roles are user/model only, function responses must answer the calls
 * of the model turn before them, and a call must come back with the thoughtSignature it was issued with).
 * Violations are answered in Google's error shape and recorded in {@link #rejections()}.
 * <p>Answers: "echo: " and the last user text; with tools (mode not NONE) two calls (Paris, Tokyo), the first
 * carrying a thoughtSignature; after function responses, "results: " and them; JSON output with responseMimeType
 * application/json; a prompt containing "blockme" is blocked (promptFeedback.blockReason SAFETY), one containing
 * "unsafe" ends with finishReason SAFETY. Usage: prompt 40 (16 cached), candidates 9, thoughts 5.
 */
public final class FakeGeminiUpstream extends RecordingFake<FakeGeminiUpstream.Behavior> {
    public static final String API_KEY = GatewayFixture.UPSTREAM_KEY;
    public static final String MODEL = "gemini-2.5-flash";
    public static final int PROMPT_TOKENS = 40;
    public static final int CACHED_TOKENS = 16;
    public static final int CANDIDATES_TOKENS = 9;
    public static final int THOUGHTS_TOKENS = 5;
    public static final String SIGNATURE = "CiQBVKhc7fakeSignature==";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public static final String PROJECT = "fake-project";
    public static final String REGION = "europe-west4";
    public static final String TOKEN_PATH = "/token";
    static final String VERTEX_PREFIX = "/v1/projects/" + PROJECT + "/locations/" + REGION + "/publishers/google/models/";

    /** A scripted answer, given the request and its parsed body. */
    public interface Behavior extends BiConsumer<HttpServerRequest, JsonNode> {}

    /** A broken API rule: answered as a 400 INVALID_ARGUMENT. */
    static final class Invalid extends RuntimeException {
        Invalid(String message) {
            super(message);
        }
    }

    private final AtomicInteger responses = new AtomicInteger();
    private volatile boolean schemaAware;
    private final FakeGoogleTokenIssuer tokens = new FakeGoogleTokenIssuer(this::tokenUri, rejections);

    private FakeGeminiUpstream() {
        // RecordingFake starts the server
    }

    public static FakeGeminiUpstream start() {
        return new FakeGeminiUpstream();
    }

    /** Answers tool calls and JSON output as {@link GeminiSchemaAnswers} says, instead of the fixed answers. */
    public FakeGeminiUpstream schemaAware() {
        schemaAware = true;
        return this;
    }

    /** Base URL including {@code /v1beta}, as a provider's {@code base_url}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.actualPort() + "/v1beta";
    }

    /** A gateway config with one gemini provider {@code google} pointing here, alias {@code flash}, and the test key. */
    public String gatewayYaml() {
        return """
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                providers:
                  - name: google
                    type: gemini
                    base_url: %s
                    api_key: %s
                    models: [%s]
                models:
                  - { name: flash, target: google/%s }
                keys:
                  - { name: tester, key: %s }
                """.formatted(baseUrl(), API_KEY, MODEL, MODEL, GatewayFixture.KEY);
    }

    /**
     * Accept service-account assertions signed by this key for this account at {@link #TOKEN_PATH}: the fake
     * then issues {@code ya29.fake-N} (expires_in 3599) and requires it as the Bearer token on the Vertex paths.
     */
    public void trustServiceAccount(String clientEmail, java.security.PublicKey key) {
        tokens.trust(clientEmail, key);
    }

    /**
     * A fresh service account this fake trusts, as the JSON key file a {@code vertex-gemini} provider's api_key
     * holds (its token_uri is this fake's token endpoint).
     */
    public String newServiceAccountJson(String clientEmail) {
        try {
            java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            java.security.KeyPair keys = g.generateKeyPair();
            trustServiceAccount(clientEmail, keys.getPublic());
            String pem = "-----BEGIN PRIVATE KEY-----\n"
                    + java.util.Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(keys.getPrivate().getEncoded())
                    + "\n-----END PRIVATE KEY-----\n";
            return MAPPER.createObjectNode().put("type", "service_account").put("project_id", PROJECT)
                    .put("private_key_id", "k1").put("private_key", pem).put("client_email", clientEmail)
                    .put("token_uri", tokenUri()).toString();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The token endpoint's URL. */
    public String tokenUri() {
        return "http://127.0.0.1:" + server.actualPort() + TOKEN_PATH;
    }

    /** The Vertex base URL for the gateway's config: {project} is filled in from the service account. */
    public String vertexBaseUrl() {
        return "http://127.0.0.1:" + server.actualPort() + "/v1/projects/{project}/locations/" + REGION + "/publishers/google";
    }

    public int tokensIssued() {
        return tokens.issued();
    }

    @Override
    protected void handle(HttpServerRequest req, Buffer body) {
        record(req, body);
        String path = req.path();
        if (path.equals(TOKEN_PATH)) {
            tokens.handle(req, body);
            return;
        }
        // Vertex AI: /v1/projects/{p}/locations/{r}/publishers/google/models/{m}:…, with an OAuth2 Bearer token
        boolean vertex = path.startsWith("/v1/projects/");
        String prefix = vertex ? VERTEX_PREFIX : "/v1beta/models/";
        boolean stream = path.endsWith(":streamGenerateContent");
        boolean embed = path.endsWith(":batchEmbedContents");
        if (!req.method().name().equals("POST") || !path.startsWith(prefix)
                || !(stream || embed || path.endsWith(":generateContent"))) {
            error(404, "NOT_FOUND", "Requested entity was not found.").accept(req, null);
            return;
        }
        if (stream && !"alt=sse".equals(req.query())) {
            rejections.add("streamGenerateContent without alt=sse");
            error(400, "INVALID_ARGUMENT", "this fake only streams SSE (alt=sse)").accept(req, null);
            return;
        }
        if (vertex) {
            String auth = req.getHeader("authorization");
            if (auth == null || !auth.equals("Bearer " + tokens.current())) {
                rejections.add("vertex call without the issued Bearer token: " + auth);
                error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access token.")
                        .accept(req, null);
                return;
            }
            if (req.getHeader("x-goog-api-key") != null) {
                rejections.add("vertex call with an x-goog-api-key");
            }
        }
        String key = vertex ? API_KEY : req.getHeader("x-goog-api-key");
        if (key == null) {
            rejections.add("no x-goog-api-key");
            error(403, "PERMISSION_DENIED", "Method doesn't allow unregistered callers (callers without established identity)."
                    + " Please use API Key or other form of API consumer identity to call this API.").accept(req, null);
            return;
        }
        if (!key.equals(API_KEY)) {
            req.response().setStatusCode(400).putHeader("content-type", "application/json; charset=UTF-8")
                    .end("{\"error\":{\"code\":400,\"message\":\"API key not valid. Please pass a valid API key.\",\"status\":\"INVALID_ARGUMENT\","
                            + "\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"API_KEY_INVALID\","
                            + "\"domain\":\"googleapis.com\"}]}}");
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
                throw new Invalid("Invalid JSON payload received.");
            }
            if (embed) {
                GeminiRequestRules.checkEmbed(json, path.substring(prefix.length(), path.lastIndexOf(':')));
            } else {
                GeminiRequestRules.check(json);
            }
        } catch (Invalid e) {
            rejections.add(e.getMessage());
            error(400, "INVALID_ARGUMENT", e.getMessage()).accept(req, null);
            return;
        }
        String model = path.substring(prefix.length(), path.lastIndexOf(':'));
        Behavior b = nextScripted();
        Behavior standard = embed ? FakeGeminiUpstream::embed : (r, j) -> simulate(r, j, model, stream);
        (b != null ? b : standard).accept(req, json);
    }

    // ---- scripted behaviours ---------------------------------------------------------------------

    /** Google's error answer {@code {"error":{"code","message","status"}}}, with extra headers. */
    public static Behavior error(int code, String status, String message, String... headerPairs) {
        return (req, json) -> {
            HttpServerResponse res = req.response().setStatusCode(code).putHeader("content-type", "application/json; charset=UTF-8");
            for (int i = 0; i + 1 < headerPairs.length; i += 2) {
                res.putHeader(headerPairs[i], headerPairs[i + 1]);
            }
            ObjectNode root = MAPPER.createObjectNode();
            root.putObject("error").put("code", code).put("message", message).put("status", status);
            res.end(root.toString());
        };
    }

    /**
     * A stream whose two function calls (Paris with the thoughtSignature, then Tokyo) come in separate events,
     * the second with finishReason STOP and the usage, as Gemini streams calls it decides on one after another.
     */
    public static Behavior callsInSeparateEvents(String toolName) {
        return (req, json) -> {
            String model = req.path().substring(req.path().indexOf("/models/") + 8, req.path().lastIndexOf(':'));
            ObjectNode paris = MAPPER.createObjectNode();
            paris.putObject("functionCall").put("name", toolName).putObject("args").put("city", "Paris");
            paris.put("thoughtSignature", SIGNATURE);
            ObjectNode tokyo = MAPPER.createObjectNode();
            tokyo.putObject("functionCall").put("name", toolName).putObject("args").put("city", "Tokyo");
            ObjectNode first = GeminiSimulatedAnswer.piece("fake-apart", model, List.of(paris), null);
            ObjectNode second = GeminiSimulatedAnswer.piece("fake-apart", model, List.of(tokyo), "STOP");
            second.putObject("usageMetadata").put("promptTokenCount", PROMPT_TOKENS)
                    .put("candidatesTokenCount", CANDIDATES_TOKENS).put("totalTokenCount", PROMPT_TOKENS + CANDIDATES_TOKENS);
            req.response().setChunked(true).putHeader("content-type", "text/event-stream")
                    .end("data: " + first + "\r\n\r\ndata: " + second + "\r\n\r\n");
        };
    }

    /**
     * A stream of these {@code data:} payloads as a bad upstream might send them; with {@code cut}, the connection
     * is closed after the last one instead of the stream being ended.
     */
    public Behavior rawStream(List<String> payloads, boolean cut) {
        return (req, json) -> {
            HttpServerResponse res = req.response().setChunked(true).putHeader("content-type", "text/event-stream");
            for (String p : payloads) {
                res.write("data: " + p + "\r\n\r\n");
            }
            if (cut) {
                vertx.setTimer(20, t -> req.connection().close());
            } else {
                res.end();
            }
        };
    }

    /** A generateContent answer with this body. */
    public static Behavior answer(String body) {
        return (req, json) -> req.response().putHeader("content-type", "application/json; charset=UTF-8").end(body);
    }

    // ---- the simulator ---------------------------------------------------------------------------

    /** Default embedding size when the request sets no outputDimensionality. */
    public static final int EMBEDDING_DIMENSIONS = 4;

    /** The deterministic vector this fake returns for a text: value j is (length of the text × (j + 1)) / 64. */
    public static float[] embedding(String text, int dimensions) {
        float[] v = new float[dimensions];
        for (int j = 0; j < dimensions; j++) {
            v[j] = text.length() * (j + 1) / 64f;
        }
        return v;
    }

    private static void embed(HttpServerRequest req, JsonNode json) {
        ObjectNode out = MAPPER.createObjectNode();
        ArrayNode embeddings = out.putArray("embeddings");
        for (JsonNode r : json.path("requests")) {
            StringBuilder text = new StringBuilder();
            r.at("/content/parts").forEach(p -> text.append(p.path("text").asText()));
            ArrayNode values = embeddings.addObject().putArray("values");
            for (float f : embedding(text.toString(), r.path("outputDimensionality").asInt(EMBEDDING_DIMENSIONS))) {
                values.add(f);
            }
        }
        req.response().putHeader("content-type", "application/json; charset=UTF-8").end(out.toString());
    }

    private void simulate(HttpServerRequest req, JsonNode json, String model, boolean stream) {
        List<ObjectNode> events = answer(json, model);
        if (stream) {
            HttpServerResponse res = req.response().setChunked(true).putHeader("content-type", "text/event-stream");
            write(res, events, 0);
        } else {
            req.response().putHeader("content-type", "application/json; charset=UTF-8").end(GeminiSimulatedAnswer.merge(events).toString());
        }
    }

    /** The answer as the pieces it streams in; the whole answer is their merge. */
    private List<ObjectNode> answer(JsonNode request, String model) {
        String id = "fake-resp-" + responses.incrementAndGet();
        String last = GeminiSimulatedAnswer.lastUserText(request);
        List<ObjectNode> out = new ArrayList<>();
        if (last.contains("blockme")) {
            ObjectNode r = GeminiSimulatedAnswer.response(id, model);
            r.putObject("promptFeedback").put("blockReason", "SAFETY");
            r.putObject("usageMetadata").put("promptTokenCount", PROMPT_TOKENS).put("totalTokenCount", PROMPT_TOKENS);
            out.add(r);
            return out;
        }
        List<ObjectNode> calls = schemaAware ? GeminiSchemaAnswers.calls(request, last) : GeminiSimulatedAnswer.calls(request);
        List<ObjectNode> parts = new ArrayList<>();
        if (!calls.isEmpty()) {
            parts.addAll(calls);
        } else {
            String text = schemaAware && !GeminiSimulatedAnswer.lastUserHasFunctionResponse(request) && GeminiSchemaAnswers.structured(request) != null
                    ? GeminiSchemaAnswers.structured(request) : GeminiSimulatedAnswer.text(request, last);
            for (String piece : text.split("(?= )")) {
                parts.add(MAPPER.createObjectNode().put("text", piece));
            }
        }
        String finish = last.contains("unsafe") ? "SAFETY" : "STOP";
        if (calls.isEmpty()) {
            for (ObjectNode p : parts) {
                out.add(GeminiSimulatedAnswer.piece(id, model, List.of(p), null));
            }
            out.add(GeminiSimulatedAnswer.piece(id, model, List.of(MAPPER.createObjectNode().put("text", "")), finish));
        } else {
            out.add(GeminiSimulatedAnswer.piece(id, model, parts, finish));
        }
        for (int i = 0; i < out.size() - 1; i++) {
            out.get(i).putObject("usageMetadata").put("promptTokenCount", PROMPT_TOKENS).put("totalTokenCount", PROMPT_TOKENS)
                    .put("cachedContentTokenCount", CACHED_TOKENS);
        }
        out.get(out.size() - 1).putObject("usageMetadata").put("promptTokenCount", PROMPT_TOKENS)
                .put("candidatesTokenCount", CANDIDATES_TOKENS).put("totalTokenCount", PROMPT_TOKENS + CANDIDATES_TOKENS + THOUGHTS_TOKENS)
                .put("cachedContentTokenCount", CACHED_TOKENS).put("thoughtsTokenCount", THOUGHTS_TOKENS);
        return out;
    }

    private void write(HttpServerResponse res, List<ObjectNode> events, int i) {
        if (res.closed()) {
            return;
        }
        if (i == events.size()) {
            res.end();
            return;
        }
        res.write("data: " + events.get(i) + "\r\n\r\n");
        vertx.setTimer(3, t -> write(res, events, i + 1));
    }
}
