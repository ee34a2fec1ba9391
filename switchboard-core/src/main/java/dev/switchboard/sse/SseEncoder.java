package dev.switchboard.sse;

import java.nio.charset.StandardCharsets;

/** Writes events in canonical framing: optional {@code event:} line, one {@code data:} line per data line, blank line. */
public final class SseEncoder {
    private SseEncoder() {}

    public static byte[] encode(SseEvent event) {
        return encode(event.event(), event.data());
    }

    public static byte[] encode(String eventType, String data) {
        StringBuilder sb = new StringBuilder(data.length() + 16 + (eventType == null ? 0 : eventType.length() + 8));
        if (eventType != null) {
            sb.append("event: ").append(eventType).append('\n');
        }
        int from = 0;
        while (true) {
            int nl = data.indexOf('\n', from);
            sb.append("data: ");
            if (nl < 0) {
                sb.append(data, from, data.length()).append('\n');
                break;
            }
            sb.append(data, from, nl).append('\n');
            from = nl + 1;
        }
        sb.append('\n');
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] data(String data) {
        return encode(null, data);
    }
}
