package dev.switchboard.provider.bedrock;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.CRC32;

/**
 * The AWS event-stream binary framing ({@code application/vnd.amazon.eventstream}): each message is
 * total length (4) · headers length (4) · prelude CRC32 (4) · headers · payload · message CRC32 (4), big-endian.
 * Headers are name-length (1) · name · type (1) · value. Bytes may arrive split anywhere; whole messages go to the
 * listener. A bad CRC, length or header type throws {@link IllegalStateException}. One per stream; not thread-safe.
 */
public final class EventStreamDecoder {
    /** One decoded message: its string-valued headers (others as text too) and its payload. */
    public record Message(Map<String, String> headers, byte[] payload) {
        public String header(String name) {
            return headers.get(name);
        }
    }

    static final int PRELUDE = 12;
    static final int MAX_MESSAGE = 24 * 1024 * 1024;

    private final Consumer<Message> listener;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private boolean broken;

    public EventStreamDecoder(Consumer<Message> listener) {
        this.listener = listener;
    }

    public void feed(byte[] bytes) {
        if (broken) {
            return;
        }
        buffer.writeBytes(bytes);
        byte[] data = buffer.toByteArray();
        int pos = 0;
        try {
            while (data.length - pos >= PRELUDE) {
                ByteBuffer b = ByteBuffer.wrap(data, pos, data.length - pos);
                int total = b.getInt();
                int headersLength = b.getInt();
                int preludeCrc = b.getInt();
                if (crc(data, pos, 8) != preludeCrc) {
                    throw new IllegalStateException("event-stream prelude CRC mismatch");
                }
                if (total < PRELUDE + 4 || total > MAX_MESSAGE || headersLength < 0 || headersLength > total - PRELUDE - 4) {
                    throw new IllegalStateException("event-stream message length out of range");
                }
                if (data.length - pos < total) {
                    break;
                }
                int messageCrc = ByteBuffer.wrap(data, pos + total - 4, 4).getInt();
                if (crc(data, pos, total - 4) != messageCrc) {
                    throw new IllegalStateException("event-stream message CRC mismatch");
                }
                Map<String, String> headers = headers(data, pos + PRELUDE, headersLength);
                int payloadStart = pos + PRELUDE + headersLength;
                byte[] payload = java.util.Arrays.copyOfRange(data, payloadStart, pos + total - 4);
                pos += total;
                listener.accept(new Message(headers, payload));
            }
        } catch (RuntimeException e) {
            broken = true;
            throw e instanceof IllegalStateException ise ? ise : new IllegalStateException(e);
        }
        buffer.reset();
        buffer.write(data, pos, data.length - pos);
    }

    /** Whether bytes of an unfinished message are held. */
    public boolean hasPartialMessage() {
        return buffer.size() > 0;
    }

    private static Map<String, String> headers(byte[] data, int start, int length) {
        Map<String, String> out = new LinkedHashMap<>();
        ByteBuffer b = ByteBuffer.wrap(data, start, length);
        while (b.hasRemaining()) {
            int nameLength = b.get() & 0xff;
            byte[] name = new byte[nameLength];
            b.get(name);
            int type = b.get();
            String value = switch (type) {
                case 0 -> "true";
                case 1 -> "false";
                case 2 -> Byte.toString(b.get());
                case 3 -> Short.toString(b.getShort());
                case 4 -> Integer.toString(b.getInt());
                case 5, 8 -> Long.toString(b.getLong());
                case 6, 7 -> {
                    byte[] v = new byte[b.getShort() & 0xffff];
                    b.get(v);
                    yield new String(v, StandardCharsets.UTF_8);
                }
                case 9 -> {
                    byte[] v = new byte[16];
                    b.get(v);
                    yield java.util.HexFormat.of().formatHex(v);
                }
                default -> throw new IllegalStateException("event-stream header type " + type + " is unknown");
            };
            out.put(new String(name, StandardCharsets.UTF_8), value);
        }
        return out;
    }

    static int crc(byte[] data, int offset, int length) {
        CRC32 c = new CRC32();
        c.update(data, offset, length);
        return (int) c.getValue();
    }
}
