package dev.switchboard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import dev.switchboard.provider.Capability;
import dev.switchboard.provider.ChatAdapter;
import dev.switchboard.provider.anthropic.AnthropicChatAdapter;
import dev.switchboard.provider.bedrock.BedrockChatAdapter;
import dev.switchboard.provider.gemini.GeminiChatAdapter;
import dev.switchboard.provider.openai.OpenAiChatAdapter;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The cross-adapter conformance rig: the four strict fakes (OpenAI, Anthropic, Gemini, Bedrock) and one real
 * gateway with all four configured, each behind its own alias, so one scenario can be run against every adapter.
 * Dialect-specific scripting (errors, a truncated answer, a stream that stalls) is hidden behind {@link Provider}.
 */
public final class Conformance implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** One adapter under test: its gateway alias and the capabilities it declares. */
    public enum Provider {
        OPENAI("gpt", new OpenAiChatAdapter()),
        ANTHROPIC("sonnet", new AnthropicChatAdapter()),
        GEMINI("flash", new GeminiChatAdapter()),
        BEDROCK("claude", new BedrockChatAdapter());

        public final String alias;
        private final ChatAdapter adapter;

        Provider(String alias, ChatAdapter adapter) {
            this.alias = alias;
            this.adapter = adapter;
        }

        public Set<Capability> capabilities() {
            return adapter.capabilities();
        }

        public boolean has(Capability c) {
            return capabilities().contains(c);
        }
    }

    private final FakeUpstream openai = FakeUpstream.start();
    private final FakeAnthropicUpstream anthropic = FakeAnthropicUpstream.start();
    private final FakeGeminiUpstream gemini = FakeGeminiUpstream.start();
    private final FakeBedrockUpstream bedrock = FakeBedrockUpstream.start();
    private final GatewayFixture gateway;
    private final OpenAIClient client;

    private Conformance() {
        gateway = GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                providers:
                  - { name: fake, type: openai, base_url: %s, api_key: %s, models: [gpt-4o, text-embedding-3-small] }
                  - { name: claude, type: anthropic, base_url: %s, api_key: %s, models: [%s] }
                  - { name: google, type: gemini, base_url: %s, api_key: %s, models: [%s] }
                  - { name: aws, type: bedrock, base_url: %s, api_key: "%s:%s", models: ["%s"] }
                models:
                  - { name: gpt, target: fake/gpt-4o }
                  - { name: embed, target: fake/text-embedding-3-small }
                  - { name: sonnet, target: claude/%s }
                  - { name: flash, target: google/%s }
                  - { name: claude, target: "aws/%s" }
                keys:
                  - { name: tester, key: %s }
                """.formatted(
                openai.baseUrl(), GatewayFixture.UPSTREAM_KEY,
                anthropic.baseUrl(), FakeAnthropicUpstream.API_KEY, FakeAnthropicUpstream.MODEL,
                gemini.baseUrl(), FakeGeminiUpstream.API_KEY, FakeGeminiUpstream.MODEL,
                bedrock.baseUrl(), FakeBedrockUpstream.ACCESS_KEY, FakeBedrockUpstream.SECRET_KEY, FakeBedrockUpstream.MODEL,
                FakeAnthropicUpstream.MODEL, FakeGeminiUpstream.MODEL, FakeBedrockUpstream.MODEL, GatewayFixture.KEY));
        client = gateway.openAiClient();
    }

    public static Conformance start() {
        return new Conformance();
    }

    public GatewayFixture gateway() {
        return gateway;
    }

    public OpenAIClient client() {
        return client;
    }

    public void reset() {
        openai.reset();
        anthropic.reset();
        gemini.reset();
        bedrock.reset();
        gateway.usage().clear();
    }

    /** What the strict fake refused as breaking its API's rules (the OpenAI fake refuses nothing). */
    public List<String> rejections(Provider p) {
        return switch (p) {
            case OPENAI -> List.of();
            case ANTHROPIC -> anthropic.rejections();
            case GEMINI -> gemini.rejections();
            case BEDROCK -> bedrock.rejections();
        };
    }

    public List<RecordedRequest> requests(Provider p) {
        return switch (p) {
            case OPENAI -> openai.requests();
            case ANTHROPIC -> anthropic.requests();
            case GEMINI -> gemini.requests();
            case BEDROCK -> bedrock.requests();
        };
    }

    /** The body the upstream last received, as JSON. */
    public JsonNode lastBody(Provider p) {
        List<RecordedRequest> all = requests(p);
        if (all.isEmpty()) {
            throw new AssertionError(p + ": the upstream received no request");
        }
        try {
            return MAPPER.readTree(all.get(all.size() - 1).body());
        } catch (Exception e) {
            throw new AssertionError("not JSON", e);
        }
    }

    /** Whether this fake answers a request with two tools by calling more than one (every fake does now). */
    public static boolean fakeCallsToolsInParallel(Provider p) {
        return true;
    }

    /** Scripts the next request this provider's fake accepts. */
    public void enqueue(Provider p, Consumer<HttpServerRequest> answer) {
        switch (p) {
            case OPENAI -> openai.enqueue((req, body) -> answer.accept(req));
            case ANTHROPIC -> anthropic.enqueue((req, body) -> answer.accept(req));
            case GEMINI -> gemini.enqueue((req, body) -> answer.accept(req));
            case BEDROCK -> bedrock.enqueue((req, body) -> answer.accept(req));
        }
    }

    /** The dialect's own rate-limit answer, with retry-after: 3. */
    public void enqueueRateLimited(Provider p) {
        switch (p) {
            case OPENAI -> openai.enqueue(FakeUpstream.error(429, "Rate limit reached for requests", "retry-after", "3"));
            case ANTHROPIC -> anthropic.enqueue(FakeAnthropicUpstream.error(429, "rate_limit_error",
                    "Number of request tokens has exceeded your per-minute rate limit", "retry-after", "3"));
            case GEMINI -> gemini.enqueue(FakeGeminiUpstream.error(429, "RESOURCE_EXHAUSTED",
                    "Resource has been exhausted (e.g. check quota).", "retry-after", "3"));
            case BEDROCK -> bedrock.enqueue(FakeBedrockUpstream.error(429, "ThrottlingException",
                    "Too many requests, please wait before trying again.", "retry-after", "3"));
        }
    }

    /** The dialect's own "overloaded / unavailable" answer. */
    public void enqueueOverloaded(Provider p) {
        switch (p) {
            case OPENAI -> openai.enqueue(FakeUpstream.error(503, "The server is overloaded or not ready yet."));
            case ANTHROPIC -> anthropic.enqueue(FakeAnthropicUpstream.error(529, "overloaded_error", "Overloaded"));
            case GEMINI -> gemini.enqueue(FakeGeminiUpstream.error(503, "UNAVAILABLE", "The model is overloaded. Please try again later."));
            case BEDROCK -> bedrock.enqueue(FakeBedrockUpstream.error(503, "ServiceUnavailableException", "Service is unavailable."));
        }
    }

    /** A complete (non-streamed) answer "echo: trunc" that the model cut off at its token limit. */
    public void enqueueTruncated(Provider p) {
        String body = switch (p) {
            case OPENAI -> """
                    {"id":"chatcmpl-len","object":"chat.completion","created":1,"model":"gpt-4o","choices":[{"index":0,\
                    "message":{"role":"assistant","content":"echo: trunc","refusal":null},"logprobs":null,"finish_reason":"length"}],\
                    "usage":{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}}""";
            case ANTHROPIC -> """
                    {"id":"msg_len","type":"message","role":"assistant","model":"%s","content":[{"type":"text","text":"echo: trunc"}],\
                    "stop_reason":"max_tokens","stop_sequence":null,"usage":{"input_tokens":5,"output_tokens":3}}"""
                    .formatted(FakeAnthropicUpstream.MODEL);
            case GEMINI -> """
                    {"candidates":[{"content":{"role":"model","parts":[{"text":"echo: trunc"}]},"finishReason":"MAX_TOKENS",\
                    "index":0}],"usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":3,"totalTokenCount":8},\
                    "modelVersion":"%s","responseId":"r-len"}""".formatted(FakeGeminiUpstream.MODEL);
            case BEDROCK -> """
                    {"output":{"message":{"role":"assistant","content":[{"text":"echo: trunc"}]}},"stopReason":"max_tokens",\
                    "usage":{"inputTokens":5,"outputTokens":3,"totalTokens":8},"metrics":{"latencyMs":1}}""";
        };
        enqueue(p, req -> req.response().putHeader("content-type", "application/json").end(body));
    }

    /**
     * A stream that sends the text "partial" and then stalls, never ending; the future completes when the
     * upstream connection is closed under it (by the gateway, once its client has gone).
     */
    public CompletableFuture<Void> enqueueStalledStream(Provider p) {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        enqueue(p, req -> {
            HttpServerResponse res = req.response().setChunked(true);
            res.closeHandler(v -> closed.complete(null));
            req.connection().closeHandler(v -> closed.complete(null));
            switch (p) {
                case OPENAI -> res.putHeader("content-type", "text/event-stream").write("data: {\"id\":\"chatcmpl-s\","
                        + "\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,"
                        + "\"delta\":{\"role\":\"assistant\",\"content\":\"partial\"},\"finish_reason\":null}]}\n\n");
                case ANTHROPIC -> res.putHeader("content-type", "text/event-stream").write("""
                        event: message_start
                        data: {"type":"message_start","message":{"id":"msg_s","type":"message","role":"assistant","model":"%s",\
                        "content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":1,"output_tokens":1}}}

                        event: content_block_start
                        data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

                        event: content_block_delta
                        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"partial"}}

                        """.formatted(FakeAnthropicUpstream.MODEL));
                case GEMINI -> res.putHeader("content-type", "text/event-stream").write("data: {\"candidates\":[{\"content\":"
                        + "{\"role\":\"model\",\"parts\":[{\"text\":\"partial\"}]},\"index\":0}],\"modelVersion\":\""
                        + FakeGeminiUpstream.MODEL + "\",\"responseId\":\"r-s\"}\r\n\r\n");
                case BEDROCK -> {
                    res.putHeader("content-type", "application/vnd.amazon.eventstream");
                    res.write(Buffer.buffer(bedrockEvent("messageStart", "{\"role\":\"assistant\"}")));
                    res.write(Buffer.buffer(bedrockEvent("contentBlockDelta",
                            "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"partial\"}}")));
                }
            }
        });
        return closed;
    }

    private static byte[] bedrockEvent(String type, String payload) {
        return FakeBedrockUpstream.frame(Map.of(":event-type", type, ":content-type", "application/json",
                ":message-type", "event"), payload);
    }

    @Override
    public void close() {
        gateway.close();
        openai.close();
        anthropic.close();
        gemini.close();
        bedrock.close();
    }
}
