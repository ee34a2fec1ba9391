package dev.switchboard.cache;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Feeds a canonical request body to a digest in one streaming pass over its bytes (no tree, no canonical copy):
 * objects are hashed member by member and the members' stand-ins (their digests, or short ones themselves) sorted, so key order does not matter; numbers by
 * value (1 = 1.0 = 1e0); whitespace never reaches the digest. Per path:
 * <ul>
 *   <li>top level: the fields in {@link #IGNORED} and null fields (= absent) are left out;</li>
 *   <li>a message's string {@code content} hashes as the one text part {@code [{"type":"text","text":…}]} it
 *       means, so an Anthropic client's text block and an OpenAI client's string are one request;</li>
 *   <li>{@code cache_control} on a message, a content part or a tool is left out: a provider's prompt-cache marker,
 *       it asks nothing of the answer. Elsewhere (e.g. a property of a tool's JSON schema) nothing is left out.</li>
 * </ul>
 * Optionally one message's content (the hole) is replaced by a marker and its text captured, for the semantic cache.
 * One instance per hash; not thread-safe.
 */
final class CanonicalHash {
    /**
     * Top-level fields that do not change the answer. {@code model}: hashed apart, as the public name the client
     * asked for. {@code stream}, {@code stream_options}: a stored answer is replayed either way, usage included.
     * {@code user}, {@code safety_identifier}: end-user ids for the provider's abuse monitoring (tenants are kept
     * apart by the namespace). {@code metadata}, {@code store}: whether and how the provider keeps the completion.
     * {@code service_tier}: the provider's capacity class (latency and price, same model). {@code prompt_cache_key},
     * {@code prompt_cache_retention}: the provider's own prompt-cache routing. Any field not named here counts,
     * known or not: an unknown field may change the answer, and a needless miss is cheaper than a false hit.
     */
    static final Set<String> IGNORED = Set.of("model", "stream", "stream_options", "user", "safety_identifier",
            "metadata", "store", "service_tier", "prompt_cache_key", "prompt_cache_retention");

    private enum Ctx { TOP, PLAIN, MESSAGES, MESSAGE, CONTENT, PART, TOOLS, TOOL }

    private final byte[] raw;
    private final int hole;
    private final List<DigestSink> sinks;
    private JsonParser p;
    private int messageIndex = -1;
    private String holeText;
    private boolean holeTextOnly;

    /** @param hole the index in {@code messages} of the message whose content is left out, -1 for none */
    CanonicalHash(byte[] raw, int hole, List<DigestSink> sinks) {
        this.raw = raw;
        this.hole = hole;
        this.sinks = sinks;
    }

    /** Feeds the body into sink 0 (which may already hold other parts of the key). */
    void feed() {
        DigestSink out = sink(0);
        try (JsonParser parser = Json.MAPPER.createParser(raw)) {
            p = parser;
            JsonToken t = p.nextToken();
            if (t != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("the request body is not a JSON object");
            }
            object(out, 0, Ctx.TOP);
        } catch (IOException e) {
            throw new IllegalArgumentException("the request body is not valid JSON", e);
        }
    }

    /** The hole's text (a string, or text parts joined), null when it was absent or held other parts (images…). */
    String holeText() {
        return holeTextOnly ? holeText : null;
    }

    /** The index of the last message whose role is {@code user}, -1 when none (a second, lighter pass). */
    static int lastUserMessage(byte[] raw) {
        try (JsonParser p = Json.MAPPER.createParser(raw)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return -1;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if (!"messages".equals(name) || t != JsonToken.START_ARRAY) {
                    p.skipChildren();
                    continue;
                }
                int last = -1;
                int i = 0;
                for (JsonToken m = p.nextToken(); m != JsonToken.END_ARRAY; m = p.nextToken(), i++) {
                    if (m == JsonToken.START_OBJECT && roleIsUser(p)) {
                        last = i;
                    } else if (m != JsonToken.START_OBJECT) {
                        p.skipChildren();
                    }
                }
                return last;
            }
            return -1;
        } catch (IOException e) {
            throw new IllegalArgumentException("the request body is not valid JSON", e);
        }
    }

    private static boolean roleIsUser(JsonParser p) throws IOException {
        boolean user = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if ("role".equals(name) && v == JsonToken.VALUE_STRING) {
                user = "user".equals(p.getText());
            } else {
                p.skipChildren();
            }
        }
        return user;
    }

    private DigestSink sink(int depth) {
        return DigestSink.at(sinks, depth);
    }

    /** An object at {@code depth}, its members hashed apart (in sink depth + 1) and their digests sorted. */
    private void object(DigestSink out, int depth, Ctx ctx) throws IOException {
        int message = ctx == Ctx.MESSAGE ? messageIndex : -1;
        DigestSink m = sink(depth + 1);
        List<byte[]> members = new ArrayList<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if (skipped(ctx, name, t)) {
                p.skipChildren();
                continue;
            }
            m.string(name);
            if (message >= 0 && message == hole && "content".equals(name)) {
                captureHole(t);
                m.tag('H');
            } else {
                value(t, m, depth + 1, child(ctx, name));
            }
            members.add(m.finishMember());
        }
        close(out, members);
    }

    private static void close(DigestSink out, List<byte[]> members) {
        members.sort(Arrays::compareUnsigned);
        out.tag('O');
        for (byte[] d : members) {
            out.append(d);
        }
        out.tag('}');
    }

    private void value(JsonToken t, DigestSink out, int depth, Ctx ctx) throws IOException {
        switch (t) {
            case START_OBJECT -> object(out, depth, ctx);
            case START_ARRAY -> array(out, depth, ctx);
            case VALUE_STRING -> {
                if (ctx == Ctx.CONTENT) {
                    textPart(out, depth);
                } else {
                    out.chars(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
                }
            }
            case VALUE_NUMBER_INT -> {
                if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    out.decimal(new java.math.BigDecimal(p.getBigIntegerValue()));
                } else {
                    out.integer(p.getLongValue());
                }
            }
            case VALUE_NUMBER_FLOAT -> out.decimal(p.getDecimalValue());
            case VALUE_TRUE -> out.tag('T');
            case VALUE_FALSE -> out.tag('F');
            case VALUE_NULL -> out.tag('Z');
            default -> throw new IllegalArgumentException("unexpected JSON token " + t);
        }
    }

    /** Arrays are tagged and closed: every value starts with its own tag, so the sequence is unambiguous. */
    private void array(DigestSink out, int depth, Ctx ctx) throws IOException {
        Ctx element = switch (ctx) {
            case MESSAGES -> Ctx.MESSAGE;
            case CONTENT -> Ctx.PART;
            case TOOLS -> Ctx.TOOL;
            default -> Ctx.PLAIN;
        };
        out.tag('A');
        int i = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken(), i++) {
            if (ctx == Ctx.MESSAGES) {
                messageIndex = i;
            }
            value(t, out, depth + 1, element);
        }
        out.tag(']');
    }

    /** A string content, hashed exactly as the array {@code [{"type":"text","text":s}]} would be. */
    private void textPart(DigestSink out, int depth) throws IOException {
        DigestSink m = sink(depth + 2);
        List<byte[]> members = new ArrayList<>(2);
        m.string("text");
        m.chars(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
        members.add(m.finishMember());
        m.string("type");
        m.string("text");
        members.add(m.finishMember());
        out.tag('A');
        close(out, members);
        out.tag(']');
    }

    private void captureHole(JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_STRING) {
            holeText = p.getText();
            holeTextOnly = true;
            return;
        }
        if (t != JsonToken.START_ARRAY) {
            p.skipChildren();
            return;
        }
        // the last user turn only: small next to the request, and its text is wanted as a string anyway
        JsonNode parts = Json.SUBTREE_READER.readTree(p);
        StringBuilder text = new StringBuilder();
        boolean textOnly = !parts.isEmpty();
        for (JsonNode part : parts) {
            textOnly &= "text".equals(part.path("type").asText()) && part.path("text").isTextual();
            text.append(part.path("text").asText(""));
        }
        holeText = text.toString();
        holeTextOnly = textOnly;
    }

    private static boolean skipped(Ctx ctx, String name, JsonToken t) {
        return switch (ctx) {
            case TOP -> t == JsonToken.VALUE_NULL || IGNORED.contains(name);
            case MESSAGE, PART, TOOL -> "cache_control".equals(name);
            default -> false;
        };
    }

    private static Ctx child(Ctx ctx, String name) {
        return switch (ctx) {
            case TOP -> switch (name) {
                case "messages" -> Ctx.MESSAGES;
                case "tools" -> Ctx.TOOLS;
                default -> Ctx.PLAIN;
            };
            case MESSAGE -> "content".equals(name) ? Ctx.CONTENT : Ctx.PLAIN;
            default -> Ctx.PLAIN;
        };
    }
}
