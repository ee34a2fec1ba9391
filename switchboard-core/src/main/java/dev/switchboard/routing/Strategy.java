package dev.switchboard.routing;

/** How a rule orders its targets for one request; every strategy still fails over along the order. */
public enum Strategy {
    FALLBACK("fallback"),
    WEIGHTED("weighted"),
    LOWEST_LATENCY("lowest_latency"),
    FEWEST_ERRORS("fewest_errors"),
    LOWEST_COST("lowest_cost"),
    LEAST_BUSY("least_busy");

    private final String configName;

    Strategy(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }
}
