package dev.switchboard.server.engine;

import dev.switchboard.server.call.Exchange;
import dev.switchboard.server.call.UpstreamCall;
import dev.switchboard.server.call.DeadlineSweeper;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.catalogue.ProviderCatalogue;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.ingress.IngressDialect;
import dev.switchboard.ingress.anthropic.AnthropicIngress;
import dev.switchboard.ingress.openai.OpenAiIngress;
import dev.switchboard.model.Operation;
import dev.switchboard.routing.FailureClass;
import dev.switchboard.routing.FailureClassifier;
import dev.switchboard.runtime.Snapshot;
import dev.switchboard.server.upstream.ProviderConnections;
import dev.switchboard.server.upstream.UpstreamClient;
import dev.switchboard.server.upstream.UpstreamExchange;
import dev.switchboard.server.upstream.UpstreamResponse;
import dev.switchboard.server.upstream.UpstreamSigner;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One attempt, no sockets: the {@link AttemptRunner} is given a canned upstream answer (status, headers, body) through
 * its network seam ({@link UpstreamClient}) and must report the outcome the routed call acts on.
 */
class AttemptRunnerTest {
    static final String CHAT = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static final String STREAM = "{\"model\":\"%s\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static final String MESSAGES = "{\"model\":\"%s\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static final String ANSWER = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gpt-4o\","
            + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"hello\"},\"finish_reason\":\"%s\"}],"
            + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}";

    static Vertx vertx;
    static Snapshot snapshot;
    final CannedUpstream upstream = new CannedUpstream();
    final List<AttemptOutcome> outcomes = new ArrayList<>();
    final List<UpstreamCall> calls = new ArrayList<>();
    final RecordingClientSide client = new RecordingClientSide();

    /** A whole answer is never written by an attempt (the routed call does). */
    @org.junit.jupiter.api.AfterEach
    void noAttemptWroteAWholeAnswer() {
        assertThat(client.wholeAnswers).isZero();
    }
    Exchange exchange;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        var config = new ConfigLoader(ProviderCatalogue.bundled(), k -> null).parse("""
                version: 1
                server: { listen: 127.0.0.1:0 }
                providers:
                  - { name: fake, type: openai, base_url: http://127.0.0.1:1/v1, api_key: sk-upstream, max_response_body: 1KiB }
                  - { name: claude, type: anthropic, base_url: http://127.0.0.1:1/v1, api_key: sk-ant-upstream }
                """);
        snapshot = Snapshot.build(config, ProviderCatalogue.bundled(), type -> "http://127.0.0.1:1");
    }

    @AfterAll
    static void stop() {
        vertx.close().await();
    }

    @Test
    void aWholeAnswerIsReportedWithItsUsageAndTheProvidersBytes() {
        upstream.answer(200, "application/json", ANSWER.formatted("stop"));

        AttemptOutcome outcome = attempt(OpenAiIngress.INSTANCE, CHAT.formatted("fake/gpt-4o"), false);

        assertThat(outcome).isInstanceOf(AttemptOutcome.Answer.class);
        AttemptOutcome.Answer answer = (AttemptOutcome.Answer) outcome;
        assertThat(answer.answer().usage().promptTokens()).isEqualTo(3);
        assertThat(answer.answer().usage().completionTokens()).isEqualTo(2);
        assertThat(new String(answer.answer().body(), StandardCharsets.UTF_8)).contains("\"content\":\"hello\"");
        assertThat(answer.contentType()).isEqualTo("application/json");
        assertThat(upstream.urls).containsExactly("http://127.0.0.1:1/v1/chat/completions");
        assertThat(upstream.headers.get(0)).containsEntry("Authorization", "Bearer sk-upstream");
        assertThat(calls).hasSize(1);
    }

    @Test
    void aServerErrorIsAFailureClassifiedAsTheTargetsFault() {
        upstream.answer(503, "application/json", "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}");

        AttemptOutcome.Failure failure = failure(attempt(OpenAiIngress.INSTANCE, CHAT.formatted("fake/gpt-4o"), false));

        assertThat(failure.error().status()).isGreaterThanOrEqualTo(500);
        assertThat(new String(failure.upstreamBody(), StandardCharsets.UTF_8)).contains("overloaded");
        FailureClass kind = FailureClassifier.classify(failure.error(), failure.upstreamBody());
        assertThat(kind).isEqualTo(FailureClass.SERVER_ERROR);
        assertThat(kind.targetFault()).isTrue();
        assertThat(failure.nativeError()).isNull();
        assertThat(failure.streamPending()).isFalse();
    }

    @Test
    void aClientErrorIsAFailureThatIsNotTheTargetsFault() {
        upstream.answer(400, "application/json",
                "{\"error\":{\"message\":\"bad temperature\",\"type\":\"invalid_request_error\"}}");

        AttemptOutcome.Failure failure = failure(attempt(OpenAiIngress.INSTANCE, CHAT.formatted("fake/gpt-4o"), false));

        assertThat(failure.error().status()).isEqualTo(400);
        assertThat(failure.error().getMessage()).contains("bad temperature");
        FailureClass kind = FailureClassifier.classify(failure.error(), failure.upstreamBody());
        assertThat(kind).isEqualTo(FailureClass.CLIENT_ERROR);
        assertThat(kind.targetFault()).isFalse();
    }

    @Test
    void anAnswerThatCannotBeTranslatedIsAFailure() {
        upstream.answer(200, "application/json", "this is not json");

        AttemptOutcome.Failure failure = failure(attempt(OpenAiIngress.INSTANCE, CHAT.formatted("claude/claude-sonnet-4"), false));

        assertThat(failure.error().status()).isEqualTo(502);
        assertThat(FailureClassifier.classify(failure.error(), failure.upstreamBody()).targetFault()).isTrue();
    }

    @Test
    void aContentFilterFinishFailsWhenTheRouteFallsBackOnItAndIsAnAnswerOtherwise() {
        upstream.answer(200, "application/json", ANSWER.formatted("content_filter"));
        AttemptOutcome.Failure failure = failure(attempt(OpenAiIngress.INSTANCE, CHAT.formatted("fake/gpt-4o"), true));
        assertThat(failure.error().getMessage()).contains("content_filter");
        assertThat(FailureClassifier.classify(failure.error(), failure.upstreamBody())).isEqualTo(FailureClass.CONTENT_FILTER);

        outcomes.clear();
        upstream.answer(200, "application/json", ANSWER.formatted("content_filter"));
        assertThat(attempt(OpenAiIngress.INSTANCE, CHAT.formatted("fake/gpt-4o"), false))
                .isInstanceOf(AttemptOutcome.Answer.class);
    }

    @Test
    void anAnswerLargerThanMaxResponseBodyFailsAndTheUpstreamRequestIsClosed() {
        String padded = ANSWER.formatted("stop").replace("hello", "x".repeat(2048));
        upstream.answer(200, "application/json", padded.substring(0, 1000), padded.substring(1000));

        AttemptOutcome.Failure failure = failure(attempt(OpenAiIngress.INSTANCE, CHAT.formatted("fake/gpt-4o"), false));

        assertThat(failure.error().kind()).isEqualTo(ErrorKind.UPSTREAM_SERVER_ERROR);
        assertThat(failure.error().getMessage()).contains("max_response_body");
        assertThat(upstream.reset).isTrue();
    }

    @Test
    void anUnreachableProviderIsAConnectFailure() {
        upstream.refuse(new ConnectException("Connection refused"));

        AttemptOutcome.Failure failure = failure(attempt(OpenAiIngress.INSTANCE, CHAT.formatted("fake/gpt-4o"), false));

        assertThat(failure.error().kind()).isEqualTo(ErrorKind.UPSTREAM_UNREACHABLE);
        assertThat(FailureClassifier.classify(failure.error(), null)).isEqualTo(FailureClass.CONNECT);
    }

    @Test
    void aRequestTheTargetCannotTakeFailsBeforeAnythingIsSent() {
        AttemptOutcome.Failure failure = failure(attempt(OpenAiIngress.INSTANCE,
                "{\"model\":\"claude/claude-sonnet-4\",\"n\":3,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", false));

        assertThat(failure.error().status()).isEqualTo(400);
        assertThat(upstream.urls).isEmpty();
        assertThat(calls).isEmpty();
    }

    @Test
    void aPassthroughSendsTheClientsBytesAndReportsTheProvidersErrorAsItCame() {
        String overloaded = "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}";
        upstream.answer(529, "application/json", overloaded);

        AttemptOutcome.Failure failure = failure(attempt(AnthropicIngress.INSTANCE,
                MESSAGES.formatted("claude/claude-sonnet-4"), false));

        assertThat(upstream.urls).containsExactly("http://127.0.0.1:1/v1/messages");
        assertThat(new String(upstream.bodies.get(0), StandardCharsets.UTF_8))
                .isEqualTo(MESSAGES.formatted("claude-sonnet-4"));
        assertThat(failure.nativeError()).isNotNull();
        assertThat(failure.nativeError().status()).isEqualTo(529);
        assertThat(failure.nativeError().body().toString()).isEqualTo(overloaded);
        assertThat(FailureClassifier.classify(failure.error(), failure.upstreamBody()).targetFault()).isTrue();
    }

    @Test
    void aPassthroughAnswerGoesBackAsItCameWithItsUsage() {
        String message = "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"hi\"}],\"stop_reason\":\"end_turn\","
                + "\"usage\":{\"input_tokens\":4,\"output_tokens\":1}}";
        upstream.answer(200, "application/json", message);

        AttemptOutcome outcome = attempt(AnthropicIngress.INSTANCE, MESSAGES.formatted("claude/claude-sonnet-4"), false);

        assertThat(outcome).isInstanceOf(AttemptOutcome.NativeAnswer.class);
        AttemptOutcome.NativeAnswer answer = (AttemptOutcome.NativeAnswer) outcome;
        assertThat(answer.body().toString()).isEqualTo(message);
        assertThat(answer.usage().promptTokens()).isEqualTo(4);
        assertThat(answer.usage().completionTokens()).isEqualTo(1);
    }

    @Test
    void aStreamIsRelayedToTheClientAndReportedWhenItEnds() {
        upstream.answer(200, "text/event-stream", "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                + "\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},\"finish_reason\":null}]}\n\n",
                "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\",\"choices\":"
                + "[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,"
                + "\"completion_tokens\":1,\"total_tokens\":4}}\n\n",
                "data: [DONE]\n\n");

        AttemptOutcome outcome = attempt(OpenAiIngress.INSTANCE, STREAM.formatted("fake/gpt-4o"), false);

        assertThat(outcome).isInstanceOf(AttemptOutcome.Streamed.class);
        assertThat(client.streamed.toString()).contains("\"content\":\"hi\"").endsWith("data: [DONE]\n\n");
        assertThat(exchange.usage.completionTokens()).isEqualTo(1);
        assertThat(exchange.errorType).isEmpty();
    }

    @Test
    void aStreamThatFailsBeforeItsFirstByteIsOfferedToTheCallerToRetry() {
        upstream.answer(200, "text/event-stream", "data: {\"id\":\"c1\",\"obj"); // cut off inside its first event

        AttemptOutcome.Failure failure = failure(attempt(OpenAiIngress.INSTANCE, STREAM.formatted("fake/gpt-4o"), false));

        assertThat(failure.streamPending()).isTrue();
        assertThat(failure.error().kind()).isEqualTo(ErrorKind.UPSTREAM_STREAM_BROKEN);
        assertThat(client.streamed.toString()).isEmpty();
    }

    private static AttemptOutcome.Failure failure(AttemptOutcome outcome) {
        assertThat(outcome).isInstanceOf(AttemptOutcome.Failure.class);
        return (AttemptOutcome.Failure) outcome;
    }

    /** Runs one attempt on an event loop (as the gateway does) and returns the first outcome it reported. */
    private AttemptOutcome attempt(IngressDialect dialect, String body, boolean contentFilterFallback) {
        CompletableFuture<Void> ran = new CompletableFuture<>();
        vertx.runOnContext(v -> {
            try {
                DeadlineSweeper sweeper = new DeadlineSweeper(vertx);
                AttemptRunner runner = new AttemptRunner(sweeper, upstream, new UpstreamSigner(null),
                        ProviderConnections.shared(vertx, new SimpleMeterRegistry()), (ex, step) -> step.run(),
                        ex -> Future.succeededFuture(0L));
                Exchange ex = new Exchange("req-1", client, snapshot);
                exchange = ex;
                ex.dialect = dialect;
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                ex.request = dialect.decode(Operation.CHAT, bytes);
                ex.target = snapshot.router().plan(ex.request.model(), Exchange.facts(ex, ex.request))
                        .targets().get(0).target();
                runner.run(ex, Operation.CHAT, bytes, contentFilterFallback, new AttemptRunner.Report() {
                    @Override
                    public void sending(UpstreamCall call) {
                        calls.add(call);
                    }

                    @Override
                    public boolean outcome(AttemptOutcome outcome) {
                        outcomes.add(outcome);
                        return true;
                    }
                });
                ran.complete(null);
            } catch (Throwable e) {
                ran.completeExceptionally(e);
            }
        });
        ran.orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(outcomes).as("outcomes reported").isNotEmpty();
        return outcomes.get(0);
    }

    /** The network seam: each send gets the canned answer (delivered as soon as its body is read) or the refusal. */
    private static final class CannedUpstream implements UpstreamClient {
        final List<String> urls = new ArrayList<>();
        final List<Map<String, String>> headers = new ArrayList<>();
        final List<byte[]> bodies = new ArrayList<>();
        int status;
        String contentType;
        String[] chunks;
        Throwable refusal;
        boolean reset;

        void answer(int status, String contentType, String... chunks) {
            this.status = status;
            this.contentType = contentType;
            this.chunks = chunks;
            this.refusal = null;
        }

        void refuse(Throwable cause) {
            this.refusal = cause;
        }

        @Override
        public UpstreamExchange send(String method, String url, Map<String, String> h, byte[] body, long connectTimeoutMillis) {
            urls.add(url);
            headers.add(new LinkedHashMap<>(h));
            bodies.add(body);
            CannedResponse response = refusal == null ? new CannedResponse(status, contentType, chunks) : null;
            Throwable refused = refusal;
            return new UpstreamExchange() {
                @Override
                public Future<UpstreamResponse> response() {
                    return refused != null ? Future.failedFuture(refused) : Future.succeededFuture(response);
                }

                @Override
                public void reset(Throwable cause) {
                    reset = true;
                    if (response != null) {
                        response.broken(cause);
                    }
                }
            };
        }

        @Override
        public Future<Void> close() {
            return Future.succeededFuture();
        }
    }

    private static final class CannedResponse implements UpstreamResponse {
        private final int status;
        private final String contentType;
        private final String[] chunks;
        private Handler<Buffer> chunk = b -> { };
        private Handler<Throwable> failure = e -> { };
        private boolean broken;

        CannedResponse(int status, String contentType, String[] chunks) {
            this.status = status;
            this.contentType = contentType;
            this.chunks = chunks;
        }

        @Override
        public int statusCode() {
            return status;
        }

        @Override
        public String getHeader(String name) {
            return name.equalsIgnoreCase("content-type") ? contentType : null;
        }

        @Override
        public UpstreamResponse handler(Handler<Buffer> chunk) {
            this.chunk = chunk;
            return this;
        }

        /** The body is delivered once the reader is ready: the end handler is set last. */
        @Override
        public UpstreamResponse endHandler(Handler<Void> end) {
            for (String c : chunks) {
                if (broken) {
                    return this;
                }
                chunk.handle(Buffer.buffer(c));
            }
            if (!broken) {
                end.handle(null);
            }
            return this;
        }

        @Override
        public UpstreamResponse exceptionHandler(Handler<Throwable> failure) {
            this.failure = failure;
            return this;
        }

        void broken(Throwable cause) {
            if (!broken) {
                broken = true;
                failure.handle(cause);
            }
        }

        @Override
        public void pause() {
        }

        @Override
        public void resume() {
        }
    }
}
