package dev.switchboard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * The skeleton every fake vendor API shares: a loopback server that records each request, answers scripted
 * behaviours first (one per request) and its own simulation otherwise, and keeps the messages of the 400s it gave
 * for breaking the vendor's rules, so a test can fail on any of them.
 *
 * @param <B> the vendor's scripted-answer type
 */
abstract class RecordingFake<B extends BiConsumer<HttpServerRequest, JsonNode>> implements AutoCloseable {
    protected final Vertx vertx = Vertx.vertx();
    protected final HttpServer server;
    protected final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    protected final List<String> rejections = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedDeque<B> script = new ConcurrentLinkedDeque<>();
    private final AtomicInteger closedConnections = new AtomicInteger();

    protected RecordingFake() {
        server = vertx.createHttpServer();
        server.connectionHandler(c -> c.closeHandler(v -> closedConnections.incrementAndGet()));
        server.requestHandler(req -> req.body().onSuccess(body -> handle(req, body)));
        await(server.listen(0, "127.0.0.1"));
    }

    /** Answers one request (already read whole). */
    protected abstract void handle(HttpServerRequest req, Buffer body);

    /** Records the request as received (header names lower-cased). */
    protected void record(HttpServerRequest req, Buffer body) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        req.headers().forEach(e -> headers.computeIfAbsent(e.getKey().toLowerCase(), k -> new ArrayList<>()).add(e.getValue()));
        requests.add(new RecordedRequest(req.method().name(), req.path(), req.query(), headers, body.toString()));
    }

    /** The next scripted behaviour, or null when the simulation answers. */
    protected B nextScripted() {
        return script.pollFirst();
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

    /** The messages of the 400s this fake answered because a request broke the API's rules. */
    public List<String> rejections() {
        return List.copyOf(rejections);
    }

    /** Connections closed so far, by either side (the gateway keeps healthy ones open for reuse). */
    public int closedConnections() {
        return closedConnections.get();
    }

    /** Answers the next request with this behaviour instead of the simulation. */
    public void enqueue(B behavior) {
        script.addLast(behavior);
    }

    public void reset() {
        requests.clear();
        rejections.clear();
        script.clear();
    }

    @Override
    public void close() {
        await(vertx.close());
    }

    protected static <T> T await(Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
