package dev.switchboard.store.dialect;

/** The two supported backends; SQL is shared except where a dialect needs its own. */
public enum Dialect {
    SQLITE("db/migration/sqlite"),
    POSTGRESQL("db/migration/postgresql");

    private final String migrations;

    Dialect(String migrations) {
        this.migrations = migrations;
    }

    /** Where this backend's Flyway migrations live on the classpath. */
    public String migrations() {
        return migrations;
    }

    /**
     * What to append to a {@code SELECT} that reads rows the transaction then rewrites: SQLite has one writer at a
     * time already; PostgreSQL needs the row lock.
     */
    public String forUpdate() {
        return this == POSTGRESQL ? " FOR UPDATE" : "";
    }

    public static Dialect of(String url) {
        if (url.startsWith("sqlite:") || url.startsWith("jdbc:sqlite:")) {
            return SQLITE;
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        throw new IllegalArgumentException("unsupported store url (use sqlite:/path/file.db or jdbc:postgresql://...)");
    }
}
