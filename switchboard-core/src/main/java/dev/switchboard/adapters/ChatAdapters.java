package dev.switchboard.adapters;

import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.provider.ChatAdapter;
import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.provider.anthropic.AnthropicChatAdapter;
import dev.switchboard.provider.bedrock.BedrockChatAdapter;
import dev.switchboard.provider.gemini.GeminiChatAdapter;
import dev.switchboard.provider.openai.OpenAiChatAdapter;
import java.util.Map;

/** The one table of dialects: a catalogue entry's {@code dialect} names its adapter here. */
public final class ChatAdapters {
    private static final Map<String, ChatAdapter> BY_DIALECT = Map.of(
            "openai", new OpenAiChatAdapter(),
            "anthropic", new AnthropicChatAdapter(),
            "gemini", new GeminiChatAdapter(),
            "bedrock", new BedrockChatAdapter());

    private ChatAdapters() {}

    public static ChatAdapter forProvider(ProviderEndpoint p) {
        ChatAdapter a = BY_DIALECT.get(p.type().dialect());
        if (a == null) {
            throw new GatewayException(ErrorKind.INTERNAL, "No adapter for the dialect of provider '" + p.name() + "'.");
        }
        return a;
    }

    public static boolean knows(String dialect) {
        return BY_DIALECT.containsKey(dialect);
    }
}
