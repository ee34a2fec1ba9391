package dev.switchboard.cache;

import dev.switchboard.stage.StageAnswer;
import dev.switchboard.usage.Usage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * An answer as the cache stores it: the canonical answer bytes (an OpenAI {@code chat.completion}), its usage (null
 * when unknown), the model that made it (the target, e.g. {@code openai/gpt-4o}, for pricing the cost a hit saved),
 * when it was stored, and whether it was a stream. Serialized compactly (binary, checksummed) for any store;
 * {@link #parse(byte[])} is strict, so a corrupted or foreign entry is a miss, never an exception.
 */
public record CachedAnswer(byte[] body, Usage usage, String model, long storedAtMillis, boolean streamed) {
    /** "SBCA": what every entry starts with, then the format version. */
    private static final int MAGIC = 0x53424341;
    private static final byte VERSION = 1;
    private static final int FLAG_STREAMED = 1;
    private static final int FLAG_USAGE = 2;
    private static final int USAGE_LONGS = 7;
    /** Magic, version, flags, stored-at, model length, body length, checksum. */
    private static final int FIXED = 4 + 1 + 1 + 8 + 4 + 4 + 4;
    private static final int MAX_MODEL_BYTES = 1024;

    public CachedAnswer {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(model, "model");
    }

    /** The answer as a stage hands it to the engine. */
    public StageAnswer toStageAnswer() {
        return new StageAnswer(body, usage);
    }

    /**
     * The answer as a hit hands it to the engine: a replay of what {@link #model()} made (priced for the cost saved).
     *
     * @param countsTokens its tokens count against token limits
     */
    public StageAnswer toReplay(boolean countsTokens) {
        return new StageAnswer(body, usage, model.isEmpty() ? null : new StageAnswer.Replay(model, countsTokens));
    }

    /** Seconds since it was stored (for the {@code Age} a hit reports), never negative. */
    public long ageSeconds(long nowMillis) {
        return Math.max(0, (nowMillis - storedAtMillis) / 1000);
    }

    /** The stored form's size in bytes (what a store is bounded by). */
    public int serializedSize() {
        return FIXED + (usage != null ? USAGE_LONGS * 8 : 0) + model.getBytes(StandardCharsets.UTF_8).length + body.length;
    }

    public byte[] serialize() {
        byte[] m = model.getBytes(StandardCharsets.UTF_8);
        if (m.length > MAX_MODEL_BYTES) {
            throw new IllegalArgumentException("model name too long to store");
        }
        ByteBuffer b = ByteBuffer.allocate(FIXED + (usage != null ? USAGE_LONGS * 8 : 0) + m.length + body.length);
        b.putInt(MAGIC).put(VERSION).put((byte) ((streamed ? FLAG_STREAMED : 0) | (usage != null ? FLAG_USAGE : 0)));
        b.putLong(storedAtMillis);
        if (usage != null) {
            b.putLong(usage.promptTokens()).putLong(usage.completionTokens()).putLong(usage.totalTokens())
                    .putLong(usage.cachedTokens()).putLong(usage.reasoningTokens())
                    .putLong(usage.cacheWriteTokens()).putLong(usage.cacheWrite1hTokens());
        }
        b.putInt(m.length).put(m).putInt(body.length).put(body);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, b.position());
        b.putInt((int) crc.getValue());
        return b.array();
    }

    /**
     * The answer in {@code bytes}, or empty when they are not one this version wrote whole: wrong magic or version,
     * unknown flags, lengths that do not add up, a bad checksum, negative counts, a body that is not a JSON object.
     */
    public static Optional<CachedAnswer> parse(byte[] bytes) {
        if (bytes == null || bytes.length < FIXED) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        if (b.getInt(bytes.length - 4) != (int) crc.getValue() || b.getInt() != MAGIC || b.get() != VERSION) {
            return Optional.empty();
        }
        int flags = b.get();
        if ((flags & ~(FLAG_STREAMED | FLAG_USAGE)) != 0) {
            return Optional.empty();
        }
        long storedAt = b.getLong();
        Usage usage = null;
        if ((flags & FLAG_USAGE) != 0) {
            if (b.remaining() < USAGE_LONGS * 8 + 12) {
                return Optional.empty();
            }
            long[] u = new long[USAGE_LONGS];
            for (int i = 0; i < USAGE_LONGS; i++) {
                u[i] = b.getLong();
                if (u[i] < 0) {
                    return Optional.empty();
                }
            }
            usage = new Usage(u[0], u[1], u[2], u[3], u[4], u[5], u[6]);
        }
        int modelLength = b.getInt();
        if (modelLength < 0 || modelLength > MAX_MODEL_BYTES || modelLength > b.remaining() - 8) {
            return Optional.empty();
        }
        String model = new String(bytes, b.position(), modelLength, StandardCharsets.UTF_8);
        b.position(b.position() + modelLength);
        int bodyLength = b.getInt();
        if (bodyLength < 2 || bodyLength != b.remaining() - 4) {
            return Optional.empty();
        }
        byte[] body = new byte[bodyLength];
        b.get(body);
        if (!looksLikeObject(body)) {
            return Optional.empty();
        }
        return Optional.of(new CachedAnswer(body, usage, model, storedAt, (flags & FLAG_STREAMED) != 0));
    }

    /** First and last non-blank bytes are braces: a cheap check that the checksum did not pass over a foreign body. */
    private static boolean looksLikeObject(byte[] body) {
        int start = 0;
        int end = body.length - 1;
        while (start < end && isBlank(body[start])) {
            start++;
        }
        while (end > start && isBlank(body[end])) {
            end--;
        }
        return start < end && body[start] == '{' && body[end] == '}';
    }

    private static boolean isBlank(byte c) {
        return c == ' ' || c == '\n' || c == '\r' || c == '\t';
    }
}
