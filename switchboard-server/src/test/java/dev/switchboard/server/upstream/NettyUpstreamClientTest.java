package dev.switchboard.server.upstream;

import static dev.switchboard.server.upstream.ClientHarness.await;
import static dev.switchboard.server.upstream.ClientHarness.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Well-behaved peers: request framing, the answer framings, keep-alive reuse and callbacks on the context. */
class NettyUpstreamClientTest extends ClientTestBase {
    @Test
    void postsBodyAndHeadersExactlyAndReadsContentLengthAnswer() throws Exception {
        try (RecordingServer server = new RecordingServer(vertx, request -> request.response()
                .putHeader("x-answer", "yes").end("hello back"))) {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Authorization", "Bearer secret");
            headers.put("content-type", "application/json");
            headers.put("Host", "spoofed.example");
            headers.put("Content-Length", "999");
            headers.put("Transfer-Encoding", "chunked");
            byte[] body = "{\"model\":\"m\"}".getBytes(StandardCharsets.UTF_8);

            ClientHarness.Answer answer = await(harness.fetch("POST", server.url("/v1/chat?x=1&y=2"), headers, body, e -> { }));

            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.response().getHeader("X-Answer")).isEqualTo("yes");
            assertThat(answer.response().getHeader("content-length")).isEqualTo("10");
            assertThat(answer.text()).isEqualTo("hello back");
            RecordingServer.Seen seen = server.seen.getFirst();
            assertThat(seen.method()).isEqualTo("POST");
            assertThat(seen.uri()).isEqualTo("/v1/chat?x=1&y=2");
            assertThat(seen.headers().getAll("host")).containsExactly("127.0.0.1:" + server.port());
            assertThat(seen.headers().getAll("content-length")).containsExactly(String.valueOf(body.length));
            assertThat(seen.headers().contains("transfer-encoding")).isFalse();
            assertThat(seen.headers().getAll("authorization")).containsExactly("Bearer secret");
            assertThat(seen.headers().getAll("content-type")).containsExactly("application/json");
            assertThat(seen.body().getBytes()).isEqualTo(body);
            assertThat(harness.offContext).isFalse();
        }
    }

    @Test
    void postWithoutBodySendsZeroLengthAndGetSendsNone() throws Exception {
        try (RecordingServer server = new RecordingServer(vertx, request -> request.response().end())) {
            await(harness.fetch("POST", server.url(""), Map.of(), null, e -> { }));
            await(harness.get(server.url("")));

            assertThat(server.seen.get(0).uri()).isEqualTo("/");
            assertThat(server.seen.get(0).headers().getAll("content-length")).containsExactly("0");
            assertThat(server.seen.get(1).headers().contains("content-length")).isFalse();
        }
    }

    @Test
    void streamsChunkedAnswerPieceByPiece() throws Exception {
        CompletableFuture<Void> clientSawFirst = new CompletableFuture<>();
        try (RecordingServer server = new RecordingServer(vertx, request -> {
            Context serverContext = Vertx.currentContext();
            request.response().setChunked(true).write("first");
            clientSawFirst.thenRun(() -> serverContext.runOnContext(v -> request.response().end("second")));
        })) {
            CompletableFuture<String> firstPiece = new CompletableFuture<>();
            CompletableFuture<String> whole = new CompletableFuture<>();
            harness.onContext(() -> harness.client.send("GET", server.url("/stream"), Map.of(), null, 5_000).response()
                    .onSuccess(response -> {
                        StringBuilder body = new StringBuilder();
                        response.handler(piece -> {
                            harness.checkContext();
                            body.append(piece);
                            firstPiece.complete(piece.toString());
                            clientSawFirst.complete(null);
                        });
                        response.endHandler(v -> whole.complete(body.toString()));
                    }));

            assertThat(await(firstPiece)).isEqualTo("first");
            assertThat(await(whole)).isEqualTo("firstsecond");
            assertThat(harness.offContext).isFalse();
        }
    }

    @Test
    void readsCloseDelimitedAnswer() throws Exception {
        try (RawPeer peer = new RawPeer("HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nuntil the end")) {
            ClientHarness.Answer answer = await(harness.get(peer.url("/")));

            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.text()).isEqualTo("until the end");
        }
    }

    @Test
    void reusesKeepAliveConnection() throws Exception {
        try (RecordingServer server = new RecordingServer(vertx, request -> request.response().end("ok"))) {
            await(harness.get(server.url("/one")));
            await(harness.get(server.url("/two")));

            harness.awaitOpenConnections(1);
            assertThat(server.seen).hasSize(2);
            assertThat(server.seen.get(1).connection()).isSameAs(server.seen.get(0).connection());
        }
    }

    @Test
    void reusesConnectionWhenNextRequestIsSentFromEndHandler() throws Exception {
        try (RecordingServer server = new RecordingServer(vertx, request -> request.response().end("ok"))) {
            CompletableFuture<ClientHarness.Answer> second = new CompletableFuture<>();
            harness.onContext(() -> harness.client.send("GET", server.url("/one"), Map.of(), null, 5_000).response()
                    .onSuccess(response -> response.endHandler(v -> harness.get(server.url("/two"))
                            .whenComplete((answer, failure) -> second.complete(answer)))));

            assertThat(await(second).text()).isEqualTo("ok");
            assertThat(server.seen.get(1).connection()).isSameAs(server.seen.get(0).connection());
        }
    }

    @Test
    void connectionCloseAnswerIsNotReused() throws Exception {
        try (RecordingServer server = new RecordingServer(vertx, request -> request.response()
                .putHeader(HttpHeaders.CONNECTION, "close").end("bye"))) {
            await(harness.get(server.url("/one")));
            await(harness.get(server.url("/two")));

            assertThat(server.seen.get(1).connection()).isNotSameAs(server.seen.get(0).connection());
            harness.awaitOpenConnections(0);
        }
    }

    @Test
    void connectionClosedByPeerWhileIdleIsDropped() throws Exception {
        try (RecordingServer server = new RecordingServer(vertx, request -> {
            request.response().end("ok");
            vertx.setTimer(50, id -> request.connection().close());
        })) {
            await(harness.get(server.url("/one")));
            CompletableFuture<Void> serverClosed = new CompletableFuture<>();
            server.seen.getFirst().connection().closeHandler(v -> serverClosed.complete(null));
            await(serverClosed);
            harness.awaitOpenConnections(0);

            assertThat(await(harness.get(server.url("/two"))).text()).isEqualTo("ok");
            assertThat(server.seen.get(1).connection()).isNotSameAs(server.seen.get(0).connection());
        }
    }

    @Test
    void skipsHundredContinue() throws Exception {
        try (RecordingServer server = new RecordingServer(vertx, request -> {
            request.response().writeContinue();
            request.response().setStatusCode(201).end("made");
        })) {
            ClientHarness.Answer answer = await(harness.fetch("POST", server.url("/"), Map.of(), new byte[] {1}, e -> { }));

            assertThat(answer.status()).isEqualTo(201);
            assertThat(answer.text()).isEqualTo("made");
        }
    }

    @Test
    void rejectsHeaderValueWithLineBreak() throws Exception {
        try (RecordingServer server = new RecordingServer(vertx, request -> request.response().end())) {
            Throwable failure = failureOf(harness.fetch("GET", server.url("/"),
                    Map.of("x-injected", "a\r\nx-evil: 1"), null, e -> { }));

            assertThat(failure).isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("evil");
            assertThat(harness.offContext).isFalse();
            assertThat(server.seen).isEmpty();
        }
    }

    @Test
    void rejectsPathsAndNamesThatWouldBreakTheRequestLine() throws Exception {
        try (RecordingServer server = new RecordingServer(vertx, request -> request.response().end())) {
            // a model name from a caller can end up in a provider's path
            Throwable badPath = failureOf(harness.fetch("POST", server.url("/v1/models/a\r\nx-evil: 1"), Map.of(),
                    new byte[0], e -> { }));
            Throwable space = failureOf(harness.fetch("POST", server.url("/v1/models/a b"), Map.of(), new byte[0], e -> { }));
            Throwable badName = failureOf(harness.fetch("GET", server.url("/"), Map.of("x bad", "1"), null, e -> { }));
            Throwable badMethod = failureOf(harness.fetch("GE T", server.url("/"), Map.of(), null, e -> { }));

            assertThat(badPath).isInstanceOf(IllegalArgumentException.class);
            assertThat(space).isInstanceOf(IllegalArgumentException.class);
            assertThat(badName).isInstanceOf(IllegalArgumentException.class);
            assertThat(badMethod).isInstanceOf(IllegalArgumentException.class);
            assertThat(server.seen).isEmpty();
        }
    }

    @Test
    void aHeadAnswerHasNoBodyAndTheConnectionGoesOn() throws Exception {
        try (RecordingServer server = new RecordingServer(vertx, request -> {
            if (request.method().name().equals("HEAD")) {
                request.response().putHeader("content-length", "5").end(); // describes a body it does not send
            } else {
                request.response().end("after");
            }
        })) {
            ClientHarness.Answer head = await(harness.fetch("HEAD", server.url("/h"), Map.of(), null, e -> { }));
            ClientHarness.Answer next = await(harness.get(server.url("/next")));

            assertThat(head.status()).isEqualTo(200);
            assertThat(head.text()).isEmpty();
            assertThat(next.text()).isEqualTo("after");
            assertThat(server.seen).hasSize(2);
            harness.awaitOpenConnections(1);
        }
    }

    @Test
    void closesIdleConnectionsAfterIdleTimeout() throws Exception {
        ClientHarness quick = new ClientHarness(vertx, context -> new NettyUpstreamClient(context, null, 200, 8));
        try (RecordingServer server = new RecordingServer(vertx, request -> request.response().end("ok"))) {
            await(quick.get(server.url("/")));
            CompletableFuture<Void> serverClosed = new CompletableFuture<>();
            server.seen.getFirst().connection().closeHandler(v -> serverClosed.complete(null));

            await(serverClosed);
            quick.awaitOpenConnections(0);
        } finally {
            quick.close();
        }
    }

    @Test
    void waitsForAFreeConnectionBeyondTheCap() throws Exception {
        ClientHarness capped = new ClientHarness(vertx, context -> new NettyUpstreamClient(context, null, 60_000, 1));
        CompletableFuture<Void> releaseFirst = new CompletableFuture<>();
        try (RecordingServer server = new RecordingServer(vertx, request -> {
            Context serverContext = Vertx.currentContext();
            releaseFirst.thenRun(() -> serverContext.runOnContext(v -> request.response().end(request.path())));
        })) {
            CompletableFuture<ClientHarness.Answer> first = capped.get(server.url("/first"));
            CompletableFuture<ClientHarness.Answer> second = capped.get(server.url("/second"));
            Thread.sleep(300);
            assertThat(server.seen).extracting(RecordingServer.Seen::uri).containsExactly("/first");

            releaseFirst.complete(null);
            assertThat(await(first).text()).isEqualTo("/first");
            assertThat(await(second).text()).isEqualTo("/second");
            assertThat(server.seen.get(1).connection()).isSameAs(server.seen.get(0).connection());
        } finally {
            capped.close();
        }
    }
}
