package dev.switchboard.routing;

/** What moves a request on to the route's next target once its retries are spent. */
public enum FallbackTrigger {
    /** Any failure that may succeed elsewhere: connect, timeout, 5xx, 429, overload. */
    ERROR("error"),
    /** The prompt did not fit the model's context window. */
    CONTEXT_LENGTH("context_length"),
    /** The provider refused the content (an error, or an answer that finished with content_filter). */
    CONTENT_FILTER("content_filter");

    private final String configName;

    FallbackTrigger(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }
}
