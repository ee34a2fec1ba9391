package dev.switchboard.sse;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Incremental parser for the text/event-stream format (WHATWG HTML, "Server-sent events").
 * Bytes may arrive split anywhere, including inside a UTF-8 sequence or between CR and LF.
 * Not thread-safe: one instance per stream, fed from one thread.
 */
public final class SseParser {
    private static final int MAX_LINE = 64 * 1024 * 1024;

    private final Consumer<SseEvent> listener;
    private byte[] line = new byte[256];
    private int lineLength;
    private boolean lastWasCr;
    private boolean started;
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;
    private String eventType;
    private String lastEventId;

    public SseParser(Consumer<SseEvent> listener) {
        this.listener = listener;
    }

    public void feed(byte[] bytes) {
        feed(bytes, 0, bytes.length);
    }

    public void feed(byte[] bytes, int offset, int length) {
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            byte b = bytes[i];
            if (b == '\n') {
                if (lastWasCr) {
                    lastWasCr = false; // second half of CRLF: the line was already ended
                    continue;
                }
                endLine();
            } else if (b == '\r') {
                lastWasCr = true;
                endLine();
            } else {
                lastWasCr = false;
                append(b);
            }
        }
    }

    /** True when bytes of an unfinished event are buffered (used to detect a truncated stream). */
    public boolean hasPartialEvent() {
        return lineLength > 0 || hasData || eventType != null;
    }

    private void append(byte b) {
        if (lineLength == line.length) {
            if (line.length >= MAX_LINE) {
                throw new IllegalStateException("server-sent event line longer than " + MAX_LINE + " bytes");
            }
            byte[] bigger = new byte[line.length * 2];
            System.arraycopy(line, 0, bigger, 0, lineLength);
            line = bigger;
        }
        line[lineLength++] = b;
    }

    private void endLine() {
        int start = 0;
        if (!started) {
            started = true;
            // A UTF-8 byte order mark may open the stream.
            if (lineLength >= 3 && (line[0] & 0xff) == 0xEF && (line[1] & 0xff) == 0xBB && (line[2] & 0xff) == 0xBF) {
                start = 3;
            }
        }
        int length = lineLength - start;
        lineLength = 0;
        if (length == 0) {
            dispatch();
            return;
        }
        if (line[start] == ':') {
            return; // comment, e.g. a keep-alive
        }
        int colon = -1;
        for (int i = start; i < start + length; i++) {
            if (line[i] == ':') {
                colon = i;
                break;
            }
        }
        String field;
        String value;
        if (colon < 0) {
            field = new String(line, start, length, StandardCharsets.UTF_8);
            value = "";
        } else {
            field = new String(line, start, colon - start, StandardCharsets.US_ASCII);
            int valueStart = colon + 1;
            if (valueStart < start + length && line[valueStart] == ' ') {
                valueStart++;
            }
            value = new String(line, valueStart, start + length - valueStart, StandardCharsets.UTF_8);
        }
        switch (field) {
            case "data" -> {
                if (hasData) {
                    data.append('\n');
                }
                data.append(value);
                hasData = true;
            }
            case "event" -> eventType = value;
            case "id" -> {
                if (value.indexOf('\0') < 0) {
                    lastEventId = value;
                }
            }
            default -> { } // "retry" and unknown fields do not affect relaying
        }
    }

    private void dispatch() {
        if (!hasData) {
            eventType = null; // the spec discards an event without data
            return;
        }
        String type = eventType == null || eventType.isEmpty() ? null : eventType;
        SseEvent event = new SseEvent(type, data.toString(), lastEventId);
        data.setLength(0);
        hasData = false;
        eventType = null;
        listener.accept(event);
    }
}
