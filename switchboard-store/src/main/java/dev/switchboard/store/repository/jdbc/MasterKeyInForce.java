package dev.switchboard.store.repository.jdbc;

import dev.switchboard.store.crypto.MasterKey;
import dev.switchboard.store.crypto.MasterKeyMismatchException;
import dev.switchboard.store.dialect.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The one row naming the master key in force. Credential writes lock it first, so a rotation on one replica and a
 * put on another serialise: the put then sees the new fingerprint and is refused instead of writing a row under
 * the old key.
 */
final class MasterKeyInForce {
    private MasterKeyInForce() {}

    /**
     * Locks the row for the rest of the transaction. PostgreSQL: {@code SELECT ... FOR UPDATE}. SQLite has no row
     * locks: a write as the first statement takes the database's write lock at once (what {@code BEGIN IMMEDIATE}
     * does), so the reads that follow cannot go stale before the transaction's own writes.
     *
     * @return the fingerprint in force, or null when none is recorded yet
     */
    static String lock(Connection c, Dialect dialect) throws SQLException {
        if (dialect == Dialect.SQLITE) {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE master_key_in_force SET fingerprint = fingerprint WHERE id = 1")) {
                ps.executeUpdate();
            }
            return read(c, "");
        }
        return read(c, " FOR UPDATE");
    }

    static String read(Connection c) throws SQLException {
        return read(c, "");
    }

    private static String read(Connection c, String suffix) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT fingerprint FROM master_key_in_force WHERE id = 1" + suffix);
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    static void set(Connection c, String fingerprint) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE master_key_in_force SET fingerprint = ? WHERE id = 1")) {
            ps.setString(1, fingerprint);
            ps.executeUpdate();
        }
    }

    /** Refuses a write under {@code key} when another key is in force; records {@code key} when none is. */
    static void requireOrClaim(Connection c, Dialect dialect, MasterKey key) throws SQLException {
        String inForce = lock(c, dialect);
        if (inForce == null) {
            set(c, key.fingerprint());
        } else if (!inForce.equals(key.fingerprint())) {
            throw new MasterKeyMismatchException("the store's credentials are encrypted under master key " + inForce
                    + ", not this server's " + key.fingerprint() + " (rotated elsewhere?): set the new master key and restart");
        }
    }
}
