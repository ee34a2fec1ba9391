package dev.switchboard.usage;

/** Token counts of one response; {@code cachedTokens} and {@code reasoningTokens} are parts of prompt and completion. */
public record Usage(long promptTokens, long completionTokens, long totalTokens, long cachedTokens, long reasoningTokens) {
    public static final Usage NONE = new Usage(0, 0, 0, 0, 0);
}
