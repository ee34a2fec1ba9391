package dev.switchboard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import java.util.ArrayList;
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
    private volatile boolean schemaAware;
    /** Answers what the script does not, instead of the simulator (null: the simulator). */
    private volatile Behavior fallback;

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
            Behavior otherwise = fallback;
            (b != null ? b : otherwise != null ? otherwise : (Behavior) this::simulate).accept(req, body);
        }));
        await(server.listen(0, "127.0.0.1"));
    }

    public static FakeUpstream start() {
        return new FakeUpstream();
    }

    /** Answers tool calls and structured output as {@link OpenAiSchemaAnswers} says, instead of the fixed answers. */
    public FakeUpstream schemaAware() {
        schemaAware = true;
        return this;
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

    /** Every request the script does not answer is answered by {@code behavior} from now on (null: the simulator). */
    public void answerWith(Behavior behavior) {
        fallback = behavior;
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

    /** The text the simulator answers with: "echo: " and the last user text. */
    public static String answerFor(JsonNode request) {
        return OpenAiSimulator.answerFor(request);
    }

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
        String problem = schemaAware && path.endsWith("/chat/completions") ? OpenAiSchemaAnswers.problem(request) : null;
        if (problem != null) {
            json(400, "{\"error\":{\"message\":\"" + problem + "\",\"type\":\"invalid_request_error\",\"param\":\"messages\",\"code\":null}}")
                    .accept(req, body);
        } else if (path.endsWith("/chat/completions")) {
            if (request.path("stream").asBoolean(false)) {
                req.response().setChunked(true).putHeader("content-type", "text/event-stream; charset=utf-8");
                writeChunks(req.response(), OpenAiSimulator.streamEvents(request, schemaAware).stream().map(e -> "data: " + e + "\n\n").toList(),
                        0, Duration.ofMillis(5), true);
            } else {
                req.response().putHeader("content-type", "application/json").end(OpenAiSimulator.chatCompletion(request, schemaAware).toString());
            }
        } else if (path.endsWith("/completions")) {
            req.response().putHeader("content-type", "application/json").end(OpenAiSimulator.textCompletion(request).toString());
        } else if (path.endsWith("/embeddings")) {
            req.response().putHeader("content-type", "application/json").end(OpenAiSimulator.embeddings(request).toString());
        } else {
            json(404, "{\"error\":{\"message\":\"Unknown path\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}")
                    .accept(req, body);
        }
    }

    private static <T> T await(io.vertx.core.Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
