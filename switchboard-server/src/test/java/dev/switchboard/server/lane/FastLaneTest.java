package dev.switchboard.server.lane;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The lane's bookkeeping on one connection, message by message: which requests it takes, what it hands to Vert.x
 * (a recording handler standing where Vert.x's connection handler sits), and the order of answers.
 */
class FastLaneTest {
    private static final long MAX_BODY = 64;

    private Vertx vertx;
    private EmbeddedChannel channel;
    private final List<Object> toVertx = new ArrayList<>();
    private final List<String> started = new ArrayList<>();
    private final List<NettyClientSide> clients = new ArrayList<>();

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
        FastLane.Calls calls = new FastLane.Calls() {
            @Override
            public boolean serves(String path) {
                return path.equals("/v1/chat/completions");
            }

            @Override
            public long maxBodyBytes() {
                return MAX_BODY;
            }

            @Override
            public long drainMillis() {
                return 60_000;
            }

            @Override
            public void admit(NettyClientSide client, String path, Runnable onWait, Runnable onResume,
                              java.util.function.Consumer<FastLane.Call> admitted) {
                if (client.header("authorization") != null) {
                    client.end(401, Buffer.buffer("refused")); // a wrong key: answered on the head
                    return;
                }
                admitted.accept(new FastLane.Call() {
                    @Override
                    public NettyClientSide client() {
                        return client;
                    }

                    @Override
                    public void start(byte[] body) {
                        started.add(new String(body, StandardCharsets.UTF_8));
                        clients.add(client);
                    }

                    @Override
                    public void refuse(dev.switchboard.error.GatewayException e) {
                        client.end(e.status(), Buffer.buffer(e.getMessage()));
                    }
                });
            }
        };
        // Vert.x's order: its encoder, the lane, then (here) a recorder where Vert.x's connection handler sits
        channel = new EmbeddedChannel();
        channel.pipeline().addLast(FastLane.ENCODER, new HttpResponseEncoder())
                .addLast(FastLane.NAME, new FastLane(calls, (ContextInternal) vertx.getOrCreateContext()))
                .addLast(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        toVertx.add(msg);
                    }
                });
    }

    @AfterEach
    void tearDown() {
        toVertx.forEach(ReferenceCountUtil::release);
        channel.finishAndReleaseAll();
        vertx.close().await();
    }

    @Test
    void takesAModelCallAndGivesItsWholeBody() {
        channel.writeInbound(post("/v1/chat/completions", null));
        channel.writeInbound(new DefaultHttpContent(bytes("{\"model\":")));
        channel.writeInbound(new DefaultLastHttpContent(bytes("\"m\"}")));
        assertThat(started).containsExactly("{\"model\":\"m\"}");
        assertThat(toVertx).isEmpty();
    }

    @Test
    void handsEverythingElseToVertxUnchanged() {
        DefaultFullHttpRequest get = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/v1/models");
        channel.writeInbound(get);
        HttpRequest withQuery = post("/v1/chat/completions?x=1", null);
        channel.writeInbound(withQuery);
        assertThat(toVertx).containsExactly(get, withQuery);
        assertThat(started).isEmpty();
    }

    @Test
    void aBodyOverTheLimitIsRefusedAndTheConnectionClosed() {
        HttpRequest head = post("/v1/chat/completions", null);
        channel.writeInbound(head);
        HttpContent first = new DefaultHttpContent(bytes("x".repeat(40)));
        HttpContent second = new DefaultHttpContent(bytes("y".repeat(40)));
        channel.writeInbound(first);
        channel.writeInbound(second);
        assertThat(written()).startsWith("HTTP/1.1 413 ").contains("connection: close\r\n");
        assertThat(first.refCnt()).as("what was gathered is released").isZero();
        channel.writeInbound(new DefaultLastHttpContent(bytes("z")));
        assertThat(toVertx).isEmpty();
        assertThat(started).isEmpty();
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aCallerRefusedOnTheHeadIsAnsweredBeforeItsBodyWhichIsDropped() {
        HttpRequest head = post("/v1/chat/completions", 2);
        head.headers().set("authorization", "Bearer wrong");
        channel.writeInbound(head);
        assertThat(written()).startsWith("HTTP/1.1 401 ").doesNotContain("connection: close");
        HttpContent body = new DefaultLastHttpContent(bytes("{}"));
        channel.writeInbound(body);
        assertThat(body.refCnt()).isZero();
        assertThat(toVertx).isEmpty();
        postWhole("{}");
        assertThat(started).as("a small body is dropped and the connection kept").containsExactly("{}");
    }

    @Test
    void aCallerRefusedBeforeALargeBodyClosesTheConnection() {
        HttpRequest head = post("/v1/chat/completions", null); // chunked: its size is unknown
        head.headers().set("authorization", "Bearer wrong");
        channel.writeInbound(head);
        assertThat(written()).startsWith("HTTP/1.1 401 ").contains("connection: close\r\n");
        channel.writeInbound(new DefaultHttpContent(bytes("x".repeat(40))));
        assertThat(channel.isOpen()).isTrue();
        channel.writeInbound(new DefaultLastHttpContent(bytes("x")));
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void whileVertxAnswersEverythingGoesToVertxThenTheLaneTakesOver() {
        DefaultFullHttpRequest get = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/metrics");
        channel.writeInbound(get);
        postWhole("{\"a\":1}");
        assertThat(started).as("pipelined behind Vert.x's answer: Vert.x keeps the order").isEmpty();
        assertThat(toVertx).hasSize(3);
        // an informational answer does not end an answer
        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
        postWhole("{\"b\":2}");
        assertThat(started).as("one answer of two still open").isEmpty();
        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
        postWhole("{\"c\":3}");
        assertThat(started).as("Vert.x answered both: the lane takes the next one").containsExactly("{\"c\":3}");
        assertThat(toVertx).hasSize(5);
    }

    @Test
    void requestsBehindALaneAnswerWaitInOrder() {
        postWhole("{\"n\":1}");
        DefaultFullHttpRequest probe = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/healthz");
        channel.writeInbound(probe);
        postWhole("{\"n\":2}");
        assertThat(started).containsExactly("{\"n\":1}");
        assertThat(toVertx).isEmpty();
        assertThat(channel.config().isAutoRead()).as("a pipelining client waits in its socket").isFalse();

        clients.get(0).end(200, Buffer.buffer("one"));
        assertThat(toVertx).as("then the waiting requests, in order: the probe, and behind it the next call")
                .hasSize(3).first().isSameAs(probe);
        assertThat(channel.config().isAutoRead()).isTrue();
        assertThat(written()).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\none");
    }

    @Test
    void closeWaitsForTheLaneAnswerInFlight() {
        postWhole("{}");
        channel.close();
        assertThat(channel.isOpen()).as("Vert.x's close of a connection it sees idle waits").isTrue();
        clients.get(0).end(200, Buffer.buffer("done"));
        assertThat(channel.isOpen()).isFalse();
        assertThat(written()).endsWith("content-length: 4\r\n\r\ndone");
    }

    @Test
    void aLaneAnswerIsWrittenAsHttpBytesPastTheEncoder() {
        postWhole("{}");
        NettyClientSide client = clients.get(0);
        client.putHeader("x-request-id", "r-1");
        client.putHeader("Content-Type", "text/plain");
        client.putHeader("content-type", "application/json"); // replaces, whatever the case
        client.putHeader("x-echo", "a\r\nset-cookie: evil"); // a value must never end its header
        client.putHeader("content-length", "999"); // framing is the lane's to write
        client.end(201, Buffer.buffer("{\"ok\":true}"));
        assertThat(written()).isEqualTo("HTTP/1.1 201 Created\r\n"
                + "x-request-id: r-1\r\n"
                + "Content-Type: application/json\r\n"
                + "x-echo: a  set-cookie: evil\r\n"
                + "content-length: 11\r\n\r\n"
                + "{\"ok\":true}");
    }

    @Test
    void aChunkedLaneAnswerFramesEveryPieceAndDropsEmptyOnes() {
        postWhole("{}");
        NettyClientSide client = clients.get(0);
        client.putHeader("content-type", "text/event-stream");
        client.startChunked(200);
        assertThat(written()).as("the head waits for the first bytes").isEmpty();
        client.write(Buffer.buffer("data: one\n\n"));
        client.write(Buffer.buffer()); // an empty chunk would end the body early
        client.write(Buffer.buffer("x".repeat(300)));
        // a large direct chunk is framed the same way
        client.write(io.vertx.core.internal.buffer.BufferInternal.buffer(
                Unpooled.directBuffer().writeBytes("y".repeat(5000).getBytes(StandardCharsets.US_ASCII))));
        client.endChunked(null);
        assertThat(written()).isEqualTo("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
                + "transfer-encoding: chunked\r\n\r\n"
                + "b\r\ndata: one\n\n\r\n"
                + "12c\r\n" + "x".repeat(300) + "\r\n"
                + "1388\r\n" + "y".repeat(5000) + "\r\n"
                + "0\r\n\r\n");
        postWhole("{}");
        assertThat(clients).as("the connection is free for the next call").hasSize(2);
    }

    /** Everything written to the connection so far, as text. */
    private String written() {
        StringBuilder out = new StringBuilder();
        Object msg;
        while ((msg = channel.readOutbound()) != null) {
            io.netty.buffer.ByteBuf buf = (io.netty.buffer.ByteBuf) msg;
            out.append(buf.toString(StandardCharsets.ISO_8859_1));
            buf.release();
        }
        return out.toString();
    }

    private static HttpRequest post(String uri, Integer length) {
        HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, uri);
        if (length != null) {
            req.headers().set(HttpHeaderNames.CONTENT_LENGTH, length);
        }
        return req;
    }

    /** A model call as Vert.x's decoder hands it on: the head, then the body as the last content. */
    private void postWhole(String body) {
        channel.writeInbound(post("/v1/chat/completions", body.length()));
        channel.writeInbound(new DefaultLastHttpContent(bytes(body)));
    }

    private static io.netty.buffer.ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }
}
