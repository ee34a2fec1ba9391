package dev.switchboard.store;

import dev.switchboard.store.dialect.Dialect;

/**
 * Where the store lives.
 *
 * @param url {@code sqlite:/path/file.db} (embedded, one file) or {@code jdbc:postgresql://host/db}
 * @param user database user (PostgreSQL; ignored for SQLite)
 * @param password database password (PostgreSQL; ignored for SQLite); never printed
 * @param poolSize connections for PostgreSQL; SQLite always uses one (it allows a single writer)
 */
public record StoreSettings(String url, String user, String password, int poolSize) {
    public StoreSettings {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("store url is required (sqlite:/path/file.db or jdbc:postgresql://...)");
        }
        Dialect.of(url); // refuse an unsupported url now rather than at open
        if (poolSize < 1) {
            poolSize = 4;
        }
    }

    /** An embedded SQLite store in one file. */
    public static StoreSettings sqlite(java.nio.file.Path file) {
        return new StoreSettings("sqlite:" + file.toAbsolutePath(), null, null, 1);
    }

    Dialect dialect() {
        return Dialect.of(url);
    }

    /** The JDBC URL the driver understands. */
    String jdbcUrl() {
        return dialect() == Dialect.SQLITE && !url.startsWith("jdbc:") ? "jdbc:" + url : url;
    }

    @Override
    public String toString() {
        return "StoreSettings[url=" + url + ", user=" + user + ", password=" + (password == null ? "null" : "***")
                + ", poolSize=" + poolSize + "]";
    }
}
