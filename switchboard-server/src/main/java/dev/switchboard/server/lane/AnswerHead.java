package dev.switchboard.server.lane;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The status line and headers of one answer of the {@link FastLane}, kept as a short list and written straight to
 * bytes. A lane answer carries a handful of headers the gateway names itself, so a hashed header map and Netty's HTTP
 * encoder (which walks it again) cost more than they save; both showed in per-request profiles.
 */
final class AnswerHead {
    private static final byte[][] STATUS_LINES = statusLines();
    private static final byte[] CONTENT_LENGTH = "content-length: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHUNKED = "transfer-encoding: chunked\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int CRLF = ('\r' << 8) | '\n';
    /** Room for a typical head (about 200 bytes); a longer one grows the buffer. */
    private static final int HEAD_ROOM = 512;
    private static final AsciiString FRAMING_LENGTH = AsciiString.cached("content-length");
    private static final AsciiString FRAMING_CHUNKED = AsciiString.cached("transfer-encoding");

    private CharSequence[] names = new CharSequence[8];
    private CharSequence[] values = new CharSequence[8];
    /** Case-insensitive hashes of the names (cached in Netty's AsciiString constants): most lookups compare ints only. */
    private int[] hashes = new int[8];
    private int size;

    /** Sets a header, replacing one of the same name (names compare case-insensitively). */
    void put(CharSequence name, CharSequence value) {
        int hash = AsciiString.hashCode(name);
        int i = indexOf(name, hash);
        if (i >= 0) {
            values[i] = value;
            return;
        }
        if (size == names.length) {
            names = Arrays.copyOf(names, size * 2);
            values = Arrays.copyOf(values, size * 2);
            hashes = Arrays.copyOf(hashes, size * 2);
        }
        names[size] = name;
        values[size] = value;
        hashes[size] = hash;
        size++;
    }

    void remove(CharSequence name) {
        int i = indexOf(name, AsciiString.hashCode(name));
        if (i < 0) {
            return;
        }
        size--;
        System.arraycopy(names, i + 1, names, i, size - i);
        System.arraycopy(values, i + 1, values, i, size - i);
        System.arraycopy(hashes, i + 1, hashes, i, size - i);
        names[size] = null;
        values[size] = null;
    }

    private int indexOf(CharSequence name, int hash) {
        for (int i = 0; i < size; i++) {
            if (hashes[i] == hash && sameName(names[i], name)) {
                return i;
            }
        }
        return -1;
    }

    /** Header names compare case-insensitively; most are the same constant, and most that differ differ in length. */
    private static boolean sameName(CharSequence a, CharSequence b) {
        return a == b || a.length() == b.length() && AsciiString.contentEqualsIgnoreCase(a, b);
    }

    /**
     * The head of an answer with a body of {@code contentLength} bytes, in a buffer with room for that body after it;
     * framing headers the gateway set (content-length, transfer-encoding) are replaced by the real framing.
     */
    ByteBuf encodeFixed(ByteBufAllocator alloc, int status, int contentLength) {
        ByteBuf out = alloc.directBuffer(HEAD_ROOM + contentLength);
        writeStatusAndHeaders(out, status);
        out.writeBytes(CONTENT_LENGTH);
        ByteBufUtil.writeAscii(out, Integer.toString(contentLength));
        out.writeShort(CRLF);
        out.writeShort(CRLF);
        return out;
    }

    /** The head of a chunked answer. */
    ByteBuf encodeChunked(ByteBufAllocator alloc, int status) {
        ByteBuf out = alloc.directBuffer(HEAD_ROOM);
        writeStatusAndHeaders(out, status);
        out.writeBytes(CHUNKED);
        return out;
    }

    /**
     * One chunk of a chunked body: size line, bytes, CRLF in one direct buffer (the bytes are heap Vert.x buffers,
     * copied to a direct buffer on their way out anyway, so copying them here costs nothing more and makes a stream
     * event one buffer instead of three). Releases {@code data}.
     */
    static ByteBuf chunk(ByteBufAllocator alloc, ByteBuf data) {
        int length = data.readableBytes();
        ByteBuf framed = alloc.directBuffer(length + 12);
        ByteBufUtil.writeAscii(framed, Integer.toHexString(length));
        framed.writeShort(CRLF).writeBytes(data, data.readerIndex(), length).writeShort(CRLF);
        data.release();
        return framed;
    }

    private void writeStatusAndHeaders(ByteBuf out, int status) {
        out.writeBytes(statusLine(status));
        for (int i = 0; i < size; i++) {
            CharSequence name = names[i];
            if (hashes[i] == FRAMING_LENGTH.hashCode() && sameName(name, FRAMING_LENGTH)
                    || hashes[i] == FRAMING_CHUNKED.hashCode() && sameName(name, FRAMING_CHUNKED)) {
                continue; // the framing is this encoder's to write
            }
            writeText(out, name);
            out.writeShort((':' << 8) | ' ');
            writeText(out, values[i]);
            out.writeShort(CRLF);
        }
    }

    /**
     * Writes a header name or value as ISO-8859-1, as HTTP/1.1 carries them. A control character (CR and LF above all)
     * becomes a space: a value that came from a caller or a provider must never end the header early.
     */
    private static void writeText(ByteBuf out, CharSequence text) {
        if (text instanceof AsciiString ascii) {
            ByteBufUtil.copy(ascii, out); // the gateway's own constants
            return;
        }
        String s = text.toString(); // values are Strings but for the odd builder: one concrete type to loop over
        int n = s.length();
        out.ensureWritable(n);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            out.writeByte(c > 0xff ? '?' : (c < 0x20 && c != '\t') || c == 0x7f ? ' ' : c);
        }
    }

    private static byte[] statusLine(int status) {
        return status >= 100 && status < 600 ? STATUS_LINES[status - 100]
                : ("HTTP/1.1 " + HttpResponseStatus.valueOf(status) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[][] statusLines() {
        byte[][] lines = new byte[500][];
        for (int i = 0; i < lines.length; i++) {
            // HttpResponseStatus prints "code reason", with Netty's reason phrase for the known codes
            lines[i] = ("HTTP/1.1 " + HttpResponseStatus.valueOf(100 + i) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        }
        return lines;
    }
}
