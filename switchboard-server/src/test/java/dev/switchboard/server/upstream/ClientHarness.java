package dev.switchboard.server.upstream;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.transport.Transport;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;

/** Runs a {@link NettyUpstreamClient} on one Vert.x event-loop context and collects whole answers for assertions. */
final class ClientHarness implements AutoCloseable {
    static final long WAIT_SECONDS = 20;

    final Vertx vertx;
    final ContextInternal context;
    final NettyUpstreamClient client;
    /** Set when any client callback ran outside the client's context. */
    final AtomicBoolean offContext = new AtomicBoolean();

    /** A Vert.x on {@code transport} (the gateway prefers io_uring, then epoll); the test is skipped where it is unavailable. */
    static Vertx vertx(Transport transport) {
        Assumptions.assumeTrue(transport.available(), () -> "transport unavailable: " + transport.unavailabilityCause());
        return Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true)).withTransport(transport).build();
    }

    ClientHarness(Vertx vertx, Function<ContextInternal, NettyUpstreamClient> factory) {
        this.vertx = vertx;
        this.context = (ContextInternal) vertx.getOrCreateContext();
        this.client = factory.apply(context);
    }

    record Answer(int status, UpstreamResponse response, Buffer body) {
        String text() {
            return body.toString();
        }
    }

    void checkContext() {
        if (Vertx.currentContext() != context) {
            offContext.set(true);
        }
    }

    void onContext(Runnable action) {
        context.runOnContext(v -> action.run());
    }

    /** Waits until the client holds {@code expected} connections (read on its event loop). */
    void awaitOpenConnections(int expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (true) {
            CompletableFuture<Integer> count = new CompletableFuture<>();
            onContext(() -> count.complete(client.openConnections()));
            if (await(count) == expected) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("client still holds " + count.join() + " connections, expected " + expected);
            }
            Thread.sleep(10);
        }
    }

    /** Sends on the context; {@code withExchange} sees the exchange right after send (on the context). */
    CompletableFuture<Answer> fetch(String method, String url, Map<String, String> headers, byte[] body,
                                    Consumer<UpstreamExchange> withExchange) {
        CompletableFuture<Answer> result = new CompletableFuture<>();
        onContext(() -> {
            UpstreamExchange exchange = client.send(method, url, headers, body, 5_000);
            withExchange.accept(exchange);
            exchange.response().onComplete(done -> {
                checkContext();
                if (done.failed()) {
                    result.completeExceptionally(done.cause());
                    return;
                }
                UpstreamResponse response = done.result();
                Buffer collected = Buffer.buffer();
                response.handler(piece -> {
                    checkContext();
                    collected.appendBuffer(piece);
                });
                response.endHandler(v -> {
                    checkContext();
                    result.complete(new Answer(response.statusCode(), response, collected));
                });
                response.exceptionHandler(failure -> {
                    checkContext();
                    result.completeExceptionally(failure);
                });
            });
        });
        return result;
    }

    CompletableFuture<Answer> get(String url) {
        return fetch("GET", url, Map.of(), null, exchange -> { });
    }

    static <T> T await(CompletableFuture<T> future) throws Exception {
        try {
            return future.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    static Throwable failureOf(CompletableFuture<?> future) throws Exception {
        try {
            future.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected a failure");
    }

    @Override
    public void close() throws Exception {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        onContext(() -> client.close().onComplete(done -> closed.complete(null)));
        closed.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }
}
