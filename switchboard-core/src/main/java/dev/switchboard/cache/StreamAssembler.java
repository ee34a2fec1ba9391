package dev.switchboard.cache;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.switchboard.json.Json;
import dev.switchboard.stream.StreamEvent;
import dev.switchboard.usage.Usage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Assembles a streamed answer's typed events into the canonical {@code chat.completion} it amounts to, so it can be
 * stored and later replayed (as a whole answer or, through {@link dev.switchboard.stream.AnswerEvents}, as a stream
 * again). Bounded: past {@code maxBytes} of text it drops what it holds and gives up (the answer is not cacheable),
 * so no stream is buffered whole. A stream that failed, never started or left a choice unfinished gives nothing.
 * One per stream, fed from one thread.
 */
public final class StreamAssembler {
    /** What a choice or tool call costs besides its text, so many empty ones count against the bound too. */
    private static final int ENTRY_COST = 64;

    private final long maxBytes;
    private long size;
    private boolean gaveUp;
    private boolean failed;
    private String id;
    private String model;
    private long created;
    private Usage usage;
    private Map<Integer, Choice> choices = new TreeMap<>();

    private static final class Choice {
        final StringBuilder text = new StringBuilder();
        final StringBuilder reasoning = new StringBuilder();
        /** Reasoning text since the last sealed block: a thinking block's own text. */
        int sealedUpTo;
        final List<String[]> blocks = new ArrayList<>(); // {type, text or data, signature}
        final Map<Integer, String[]> calls = new TreeMap<>(); // {id, name}
        final Map<Integer, StringBuilder> arguments = new TreeMap<>();
        String finish;
    }

    /** @param maxBytes the largest answer (its text, in chars, about its bytes) worth keeping */
    public StreamAssembler(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    public void accept(StreamEvent event) {
        if (gaveUp || failed) {
            return;
        }
        switch (event) {
            case StreamEvent.Started s -> {
                id = s.id();
                model = s.model();
                created = s.created();
            }
            case StreamEvent.ChoiceStarted c -> choice(c.choice());
            case StreamEvent.TextDelta d -> append(choice(d.choice()).text, d.text());
            case StreamEvent.ReasoningDelta d -> append(choice(d.choice()).reasoning, d.text());
            case StreamEvent.ReasoningSealed r -> {
                Choice c = choice(r.choice());
                String text = "thinking".equals(r.type()) ? c.reasoning.substring(c.sealedUpTo) : r.data();
                c.sealedUpTo = c.reasoning.length();
                c.blocks.add(new String[] {r.type(), text == null ? "" : text, r.signature()});
                grow(ENTRY_COST + (r.signature() == null ? 0 : r.signature().length()) + (r.data() == null ? 0 : r.data().length()));
            }
            case StreamEvent.ToolCallDelta d -> {
                Choice c = choice(d.choice());
                String[] call = c.calls.computeIfAbsent(d.index(), i -> {
                    grow(ENTRY_COST);
                    return new String[2];
                });
                if (d.id() != null && !d.id().isEmpty()) {
                    call[0] = d.id();
                }
                if (d.name() != null && !d.name().isEmpty()) {
                    call[1] = d.name();
                }
                append(c.arguments.computeIfAbsent(d.index(), i -> new StringBuilder()), d.arguments());
            }
            case StreamEvent.Finished f -> choice(f.choice()).finish = f.reason();
            case StreamEvent.UsageReported u -> usage = u.usage();
            case StreamEvent.Failed f -> {
                failed = true;
                choices = null;
            }
        }
    }

    /** Whether the answer grew past the bound (or failed): nothing will come of it. */
    public boolean gaveUp() {
        return gaveUp || failed;
    }

    /** The last usage the stream reported, or null. */
    public Usage usage() {
        return usage;
    }

    /**
     * The canonical chat.completion bytes, or null when there is nothing cacheable: it gave up, failed, never
     * started, has no choice, or a choice never finished (an interrupted stream).
     */
    public byte[] answer() {
        if (gaveUp() || id == null || choices.isEmpty()) {
            return null;
        }
        for (Choice c : choices.values()) {
            if (c.finish == null) {
                return null;
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) Math.min(size + 512, Integer.MAX_VALUE - 16));
        try (JsonGenerator g = Json.MAPPER.createGenerator(bytes)) {
            g.writeStartObject();
            g.writeStringField("id", id);
            g.writeStringField("object", "chat.completion");
            g.writeNumberField("created", created);
            g.writeStringField("model", model);
            g.writeArrayFieldStart("choices");
            for (Map.Entry<Integer, Choice> e : choices.entrySet()) {
                writeChoice(g, e.getKey(), e.getValue());
            }
            g.writeEndArray();
            if (usage != null) {
                writeUsage(g, usage);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException(e); // writing to memory
        }
        byte[] out = bytes.toByteArray();
        return out.length > maxBytes ? null : out;
    }

    private static void writeChoice(JsonGenerator g, int index, Choice c) throws IOException {
        g.writeStartObject();
        g.writeNumberField("index", index);
        g.writeObjectFieldStart("message");
        g.writeStringField("role", "assistant");
        if (c.text.isEmpty() && !c.calls.isEmpty()) {
            g.writeNullField("content"); // as OpenAI answers a pure tool call
        } else {
            g.writeStringField("content", c.text.toString());
        }
        if (!c.reasoning.isEmpty()) {
            g.writeStringField("reasoning_content", c.reasoning.toString());
        }
        if (!c.blocks.isEmpty()) {
            g.writeArrayFieldStart("thinking_blocks");
            for (String[] b : c.blocks) {
                g.writeStartObject();
                g.writeStringField("type", b[0]);
                if ("thinking".equals(b[0])) {
                    g.writeStringField("thinking", b[1]);
                    g.writeStringField("signature", b[2] == null ? "" : b[2]);
                } else {
                    g.writeStringField("data", b[1]);
                }
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        if (!c.calls.isEmpty()) {
            g.writeArrayFieldStart("tool_calls");
            for (Map.Entry<Integer, String[]> call : c.calls.entrySet()) {
                g.writeStartObject();
                g.writeStringField("id", call.getValue()[0] == null ? "" : call.getValue()[0]);
                g.writeStringField("type", "function");
                g.writeObjectFieldStart("function");
                g.writeStringField("name", call.getValue()[1] == null ? "" : call.getValue()[1]);
                g.writeStringField("arguments", c.arguments.get(call.getKey()).toString());
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeEndObject();
        g.writeNullField("logprobs");
        g.writeStringField("finish_reason", c.finish);
        g.writeEndObject();
    }

    /** OpenAI's usage object, with the fields {@link dev.switchboard.usage.OpenAiUsageReader} reads back. */
    private static void writeUsage(JsonGenerator g, Usage u) throws IOException {
        g.writeObjectFieldStart("usage");
        g.writeNumberField("prompt_tokens", u.promptTokens());
        g.writeNumberField("completion_tokens", u.completionTokens());
        g.writeNumberField("total_tokens", u.totalTokens());
        if (u.cachedTokens() > 0) {
            g.writeObjectFieldStart("prompt_tokens_details");
            g.writeNumberField("cached_tokens", u.cachedTokens());
            g.writeEndObject();
        }
        if (u.reasoningTokens() > 0) {
            g.writeObjectFieldStart("completion_tokens_details");
            g.writeNumberField("reasoning_tokens", u.reasoningTokens());
            g.writeEndObject();
        }
        if (u.cacheWriteTokens() > 0) {
            g.writeNumberField("cache_creation_input_tokens", u.cacheWriteTokens());
        }
        if (u.cacheWrite1hTokens() > 0) {
            g.writeObjectFieldStart("cache_creation");
            g.writeNumberField("ephemeral_1h_input_tokens", u.cacheWrite1hTokens());
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private Choice choice(int index) {
        Choice c = choices.get(index);
        if (c == null) {
            grow(ENTRY_COST);
            if (gaveUp) {
                return new Choice(); // a throwaway: nothing is kept any more
            }
            c = new Choice();
            choices.put(index, c);
        }
        return c;
    }

    private void append(StringBuilder sb, String s) {
        if (s == null || s.isEmpty()) {
            return;
        }
        grow(s.length());
        if (!gaveUp) {
            sb.append(s);
        }
    }

    private void grow(long n) {
        size += n;
        if (size > maxBytes && !gaveUp) {
            gaveUp = true;
            choices = new TreeMap<>(); // let go of what was held
        }
    }
}
