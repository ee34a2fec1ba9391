package dev.switchboard.provider;

/**
 * What an adapter can honour of a canonical (OpenAI) chat request. A request that asks for a capability its
 * adapter does not declare is refused with a 400 naming the parameter, never silently degraded.
 */
public enum Capability {
    /** Plain text in, text out. */
    TEXT,
    /** System (and developer) messages. */
    SYSTEM_PROMPT,
    /** A history of user and assistant turns. */
    MULTI_TURN,
    /** Images given as base64 data URLs in user content. */
    IMAGES,
    /** Function tools and tool results. */
    TOOLS,
    /** More than one tool call in one assistant turn. */
    PARALLEL_TOOLS,
    /** Tool calls in streamed answers, their arguments accumulating to complete JSON. */
    STREAMED_TOOL_ARGUMENTS,
    /** {@code response_format} json_schema / json_object. */
    JSON_SCHEMA,
    /** {@code reasoning_effort}. */
    REASONING,
    /** A usage chunk at the end of a stream ({@code stream_options.include_usage}). */
    USAGE_IN_STREAM,
    /** {@code prompt_tokens_details.cached_tokens} in usage. */
    CACHED_TOKENS,
    /** {@code /v1/embeddings}. */
    EMBEDDINGS,
    /** {@code n} greater than one. */
    N_GREATER_THAN_ONE,
    /** {@code logprobs} / {@code top_logprobs}. */
    LOGPROBS
}
