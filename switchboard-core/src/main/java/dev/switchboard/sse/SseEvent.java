package dev.switchboard.sse;

/**
 * One dispatched server-sent event. {@code event} is null for the default "message" type;
 * {@code data} holds the data lines joined by '\n'.
 */
public record SseEvent(String event, String data, String id) {
    public static SseEvent data(String data) {
        return new SseEvent(null, data, null);
    }

    public boolean isDone() {
        return event == null && "[DONE]".equals(data);
    }
}
