package dev.switchboard.testing;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A gateway in front of four schema-aware fake vendors (OpenAI, Anthropic, Gemini, Bedrock), as the
 * client-compatibility suite under {@code clients/} meets it: {@link #env()} is what the Node tests read.
 * {@link #main} keeps one running for working on those tests by hand.
 */
public final class ClientsEnvironment implements AutoCloseable {
    public final FakeUpstream openai = FakeUpstream.start().schemaAware();
    public final FakeAnthropicUpstream anthropic = FakeAnthropicUpstream.start().schemaAware();
    public final FakeGeminiUpstream gemini = FakeGeminiUpstream.start().schemaAware();
    public final FakeBedrockUpstream bedrock = FakeBedrockUpstream.start().schemaAware();
    public final GatewayFixture gateway;

    public ClientsEnvironment() {
        gateway = GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                providers:
                  - { name: openai, type: openai, base_url: "%s", api_key: %s, models: [gpt-4o, text-embedding-3-small] }
                  - { name: anthropic, type: anthropic, base_url: "%s", api_key: %s, models: [%s] }
                  - { name: gemini, type: gemini, base_url: "%s", api_key: %s, models: [%s, gemini-embedding-001] }
                  - { name: bedrock, type: bedrock, base_url: "%s", api_key: "%s:%s", models: ["%s"] }
                keys:
                  - { name: tester, key: %s }
                """.formatted(openai.baseUrl(), GatewayFixture.UPSTREAM_KEY, anthropic.baseUrl(), FakeAnthropicUpstream.API_KEY,
                FakeAnthropicUpstream.MODEL, gemini.baseUrl(), FakeGeminiUpstream.API_KEY, FakeGeminiUpstream.MODEL, bedrock.baseUrl(),
                FakeBedrockUpstream.ACCESS_KEY, FakeBedrockUpstream.SECRET_KEY, FakeBedrockUpstream.MODEL, GatewayFixture.KEY));
    }

    /** The variables the Node tests read: the gateway's URL, a client key, and per provider a chat and embedding model. */
    public Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SWITCHBOARD_URL", gateway.baseUrl());
        env.put("SWITCHBOARD_KEY", GatewayFixture.KEY);
        env.put("SWITCHBOARD_CHAT_MODELS", """
                {"openai":"openai/gpt-4o","anthropic":"anthropic/%s","gemini":"gemini/%s","bedrock":"bedrock/%s"}"""
                .formatted(FakeAnthropicUpstream.MODEL, FakeGeminiUpstream.MODEL, FakeBedrockUpstream.MODEL));
        env.put("SWITCHBOARD_EMBEDDING_MODELS", """
                {"openai":"openai/text-embedding-3-small","gemini":"gemini/gemini-embedding-001"}""");
        return env;
    }

    /** Every strict fake's refusals: a request the real vendor would have refused. */
    public Map<String, java.util.List<String>> rejections() {
        return Map.of("anthropic", anthropic.rejections(), "gemini", gemini.rejections(), "bedrock", bedrock.rejections());
    }

    @Override
    public void close() {
        gateway.close();
        openai.close();
        anthropic.close();
        gemini.close();
        bedrock.close();
    }

    /** Runs until killed, printing the environment as shell exports. */
    public static void main(String[] args) throws InterruptedException {
        ClientsEnvironment e = new ClientsEnvironment();
        e.env().forEach((k, v) -> System.out.println("export " + k + "='" + v + "'"));
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
