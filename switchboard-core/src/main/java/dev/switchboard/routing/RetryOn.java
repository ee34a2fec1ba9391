package dev.switchboard.routing;

/** Failures after which the same target may be tried again. */
public enum RetryOn {
    CONNECT("connect"), TIMEOUT("timeout"), SERVER_ERROR("5xx"), RATE_LIMITED("429");

    private final String configName;

    RetryOn(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }
}
