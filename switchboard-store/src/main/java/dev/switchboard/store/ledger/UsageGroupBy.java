package dev.switchboard.store.ledger;

/** How usage is grouped. */
public enum UsageGroupBy {
    KEY("key_name"),
    TEAM("team"),
    MODEL("model"),
    PROVIDER("provider");

    final String column;

    UsageGroupBy(String column) {
        this.column = column;
    }
}
