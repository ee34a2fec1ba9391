package dev.switchboard.store;

/** The two supported backends; SQL is shared except where a dialect needs its own. */
enum Dialect {
    SQLITE("db/migration/sqlite"),
    POSTGRESQL("db/migration/postgresql");

    final String migrations;

    Dialect(String migrations) {
        this.migrations = migrations;
    }

    static Dialect of(String url) {
        if (url.startsWith("sqlite:") || url.startsWith("jdbc:sqlite:")) {
            return SQLITE;
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        throw new IllegalArgumentException("unsupported store url (use sqlite:/path/file.db or jdbc:postgresql://...)");
    }
}
