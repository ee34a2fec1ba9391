package dev.switchboard.stream;

import dev.switchboard.json.JsonText;
import dev.switchboard.usage.Usage;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Typed events as the canonical (OpenAI) client stream: one {@code chat.completion.chunk} per event that says
 * something (a choice's role chunk first, {@code finish_reason} null until its one final chunk), then at the end the
 * usage chunk ({@code choices: []}) when the client asked for it with {@code stream_options.include_usage}, and
 * {@code data: [DONE]}. Chunks are written as text directly, field for field as OpenAI orders them; no JSON tree.
 * One per stream, fed from one thread.
 */
public final class CanonicalChunkEncoder implements StreamEncoder {
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    private final boolean includeUsage;
    private String id = "";
    private String model = "";
    private long created;
    private StreamEvent.UsageReported usage;
    private boolean ended;

    /** @param includeUsage write the usage chunk at the end (the client asked for it) */
    public CanonicalChunkEncoder(boolean includeUsage) {
        this.includeUsage = includeUsage;
    }

    @Override
    public void onEvent(StreamEvent event, Consumer<byte[]> out) {
        switch (event) {
            case StreamEvent.Started s -> {
                id = s.id();
                model = s.model();
                created = s.created();
            }
            case StreamEvent.ChoiceStarted c -> {
                StringBuilder sb = open(c.choice());
                sb.append("\"role\":\"assistant\",\"content\":\"\"");
                out.accept(close(sb, null));
            }
            case StreamEvent.TextDelta t -> out.accept(text(t.choice(), "content", t.text()));
            case StreamEvent.ReasoningDelta r -> out.accept(text(r.choice(), "reasoning_content", r.text()));
            case StreamEvent.ReasoningSealed r -> {
                StringBuilder sb = open(r.choice());
                sb.append("\"thinking_blocks\":[{\"type\":");
                JsonText.quoteOrNull(sb, r.type());
                if (r.signature() != null) {
                    JsonText.quote(sb.append(",\"signature\":"), r.signature());
                }
                if (r.data() != null) {
                    JsonText.quote(sb.append(",\"data\":"), r.data());
                }
                sb.append("}]");
                out.accept(close(sb, null));
            }
            case StreamEvent.ToolCallDelta t -> {
                StringBuilder sb = open(t.choice());
                sb.append("\"tool_calls\":[{\"index\":").append(t.index());
                if (t.id() != null) {
                    JsonText.quote(sb.append(",\"id\":"), t.id()).append(",\"type\":\"function\"");
                }
                sb.append(",\"function\":{");
                if (t.name() != null) {
                    JsonText.quote(sb.append("\"name\":"), t.name()).append(',');
                }
                JsonText.quote(sb.append("\"arguments\":"), t.arguments()).append("}}]");
                out.accept(close(sb, null));
            }
            case StreamEvent.Finished f -> out.accept(close(open(f.choice()), f.reason()));
            case StreamEvent.UsageReported u -> usage = u;
            case StreamEvent.Failed f -> { } // the relay writes the error event when the decoder throws
        }
    }

    /** The usage chunk (if asked for and known), then {@code [DONE]}; once. */
    @Override
    public void onEnd(Consumer<byte[]> out) {
        if (ended) {
            return;
        }
        ended = true;
        if (includeUsage && usage != null) {
            StringBuilder sb = header();
            sb.append("\"choices\":[],\"usage\":");
            usage(sb, usage);
            out.accept(frame(sb.append('}')));
        }
        out.accept(DONE);
    }

    private byte[] text(int choice, String field, String text) {
        StringBuilder sb = open(choice);
        JsonText.quote(sb.append('"').append(field).append("\":"), text);
        return close(sb, null);
    }

    private StringBuilder header() {
        StringBuilder sb = new StringBuilder(256).append("data: {\"id\":");
        JsonText.quoteOrNull(sb, id).append(",\"object\":\"chat.completion.chunk\",\"created\":").append(created);
        JsonText.quoteOrNull(sb.append(",\"model\":"), model).append(',');
        return sb;
    }

    /** A chunk up to the inside of its one choice's delta. */
    private StringBuilder open(int choice) {
        return header().append("\"choices\":[{\"index\":").append(choice).append(",\"delta\":{");
    }

    private static byte[] close(StringBuilder sb, String finishReason) {
        sb.append("},\"finish_reason\":");
        JsonText.quoteOrNull(sb, finishReason);
        return frame(sb.append("}]}"));
    }

    private static byte[] frame(StringBuilder sb) {
        return sb.append("\n\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** OpenAI's usage object; the cache-write and reasoning fields where the provider counts them. */
    static void usage(StringBuilder sb, StreamEvent.UsageReported reported) {
        Usage u = reported.usage();
        sb.append("{\"prompt_tokens\":").append(u.promptTokens())
                .append(",\"completion_tokens\":").append(u.completionTokens())
                .append(",\"total_tokens\":").append(u.totalTokens())
                .append(",\"prompt_tokens_details\":{\"cached_tokens\":").append(u.cachedTokens()).append('}');
        if (reported.reasoning()) {
            sb.append(",\"completion_tokens_details\":{\"reasoning_tokens\":").append(u.reasoningTokens()).append('}');
        }
        if (reported.cacheWrites()) {
            sb.append(",\"cache_creation_input_tokens\":").append(u.cacheWriteTokens());
            if (u.cacheWrite1hTokens() > 0) {
                sb.append(",\"cache_creation\":{\"ephemeral_1h_input_tokens\":").append(u.cacheWrite1hTokens()).append('}');
            }
        }
        sb.append('}');
    }
}
