package dev.switchboard.store.repository.jdbc;

import dev.switchboard.store.crypto.CredentialCipher;
import dev.switchboard.store.crypto.CredentialDecryptionException;
import dev.switchboard.store.crypto.MasterKey;
import dev.switchboard.store.jdbc.Jdbc;
import dev.switchboard.store.failure.NotFoundException;
import dev.switchboard.store.repository.CredentialRead;
import dev.switchboard.store.repository.CredentialRecord;
import dev.switchboard.store.repository.CredentialRepository;
import dev.switchboard.store.repository.DecryptedCredential;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

final class JdbcCredentialRepository implements CredentialRepository {
    private static final String META = "id, provider, label, key_fingerprint, created_at";

    private final Jdbc jdbc;
    private final MasterKey masterKey;

    JdbcCredentialRepository(Jdbc jdbc, MasterKey masterKey) {
        this.jdbc = jdbc;
        this.masterKey = masterKey;
    }

    @Override
    public CredentialRecord put(String actor, String provider, String label, String plaintext) {
        CredentialRecord rec = new CredentialRecord("cred_" + UUID.randomUUID(), provider, label,
                masterKey.fingerprint(), Instant.ofEpochMilli(Instant.now().toEpochMilli()));
        CredentialCipher.Sealed sealed = CredentialCipher.encrypt(masterKey, rec.id(), provider, plaintext);
        return jdbc.inTransaction(c -> {
            MasterKeyInForce.requireOrClaim(c, jdbc.dialect(), masterKey);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO upstream_credentials "
                    + "(id, provider, label, ciphertext, nonce, key_fingerprint, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, rec.id());
                ps.setString(2, provider);
                ps.setString(3, label);
                ps.setBytes(4, sealed.ciphertext());
                ps.setBytes(5, sealed.nonce());
                ps.setString(6, rec.keyFingerprint());
                ps.setLong(7, rec.createdAt().toEpochMilli());
                ps.executeUpdate();
            }
            AdminChange.record(c, actor, "credential.put", "credential", rec.id(),
                    Map.of("provider", provider, "label", label));
            return rec;
        });
    }

    @Override
    public String masterKeyFingerprint() {
        return masterKey.fingerprint();
    }

    @Override
    public List<CredentialRecord> list() {
        return jdbc.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + META + " FROM upstream_credentials "
                    + "ORDER BY provider, created_at, id"); ResultSet rs = ps.executeQuery()) {
                List<CredentialRecord> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(meta(rs));
                }
                return out;
            }
        });
    }

    @Override
    public DecryptedCredential decrypt(String id) {
        List<DecryptedCredential> found = select("id", id);
        if (found.isEmpty()) {
            throw new NotFoundException("no credential " + id);
        }
        return found.getFirst();
    }

    @Override
    public List<DecryptedCredential> decryptAllForProvider(String provider) {
        return select("provider", provider);
    }

    @Override
    public void delete(String actor, String id) {
        jdbc.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM upstream_credentials WHERE id = ?")) {
                ps.setString(1, id);
                if (ps.executeUpdate() == 0) {
                    throw new NotFoundException("no credential " + id);
                }
            }
            AdminChange.record(c, actor, "credential.delete", "credential", id, Map.of());
            return null;
        });
    }

    @Override
    public int rotate(String actor, MasterKey oldKey, MasterKey newKey) {
        return jdbc.inTransaction(c -> {
            // the in-force row first (serialises with puts and other rotations), then the rows rewritten
            MasterKeyInForce.requireOrClaim(c, jdbc.dialect(), oldKey);
            List<Row> rows = rows(c, null, null, oldKey, jdbc.dialect().forUpdate());
            try (PreparedStatement ps = c.prepareStatement("UPDATE upstream_credentials SET ciphertext = ?, nonce = ?, "
                    + "key_fingerprint = ? WHERE id = ?")) {
                for (Row row : rows) {
                    CredentialCipher.Sealed sealed = CredentialCipher.encrypt(newKey, row.meta.id(), row.meta.provider(),
                            row.plaintext);
                    ps.setBytes(1, sealed.ciphertext());
                    ps.setBytes(2, sealed.nonce());
                    ps.setString(3, newKey.fingerprint());
                    ps.setString(4, row.meta.id());
                    ps.addBatch();
                }
                if (!rows.isEmpty()) {
                    ps.executeBatch();
                }
            }
            MasterKeyInForce.set(c, newKey.fingerprint());
            AdminChange.record(c, actor, "credential.rotate", "credential", null, Map.of("count", rows.size(),
                    "from", oldKey.fingerprint(), "to", newKey.fingerprint()));
            return rows.size();
        });
    }

    private List<DecryptedCredential> select(String column, String value) {
        return jdbc.read(c -> rows(c, column, value, masterKey, "")).stream()
                .map(r -> new DecryptedCredential(r.meta, r.plaintext)).toList();
    }

    private record Row(CredentialRecord meta, String plaintext) {
        @Override
        public String toString() {
            return "Row[" + meta + "]";
        }
    }

    @Override
    public List<CredentialRead> readEach() {
        return jdbc.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + META + ", ciphertext, nonce FROM upstream_credentials "
                    + "ORDER BY provider, created_at, id"); ResultSet rs = ps.executeQuery()) {
                List<CredentialRead> out = new ArrayList<>();
                while (rs.next()) {
                    CredentialRecord meta = meta(rs);
                    try {
                        out.add(new CredentialRead(meta, open(meta, rs, masterKey), null));
                    } catch (CredentialDecryptionException e) {
                        out.add(new CredentialRead(meta, null, e.getMessage()));
                    }
                }
                return out;
            }
        });
    }

    @Override
    public String masterKeyInForce() {
        return jdbc.read(MasterKeyInForce::read);
    }

    private static List<Row> rows(Connection c, String column, String value, MasterKey key, String lock)
            throws SQLException {
        String where = column == null ? "" : " WHERE " + column + " = ?";
        try (PreparedStatement ps = c.prepareStatement("SELECT " + META + ", ciphertext, nonce FROM upstream_credentials"
                + where + " ORDER BY created_at, id" + lock)) {
            if (column != null) {
                ps.setString(1, value);
            }
            try (ResultSet rs = ps.executeQuery()) {
                List<Row> out = new ArrayList<>();
                while (rs.next()) {
                    CredentialRecord meta = meta(rs);
                    out.add(new Row(meta, open(meta, rs, key)));
                }
                return out;
            }
        }
    }

    private static String open(CredentialRecord meta, ResultSet rs, MasterKey key) throws SQLException {
        if (!meta.keyFingerprint().equals(key.fingerprint())) {
            throw new CredentialDecryptionException("credential " + meta.id() + " was encrypted under master "
                    + "key " + meta.keyFingerprint() + ", not " + key.fingerprint());
        }
        return CredentialCipher.decrypt(key, meta.id(), meta.provider(), rs.getBytes("ciphertext"), rs.getBytes("nonce"));
    }

    private static CredentialRecord meta(ResultSet rs) throws SQLException {
        return new CredentialRecord(rs.getString("id"), rs.getString("provider"), rs.getString("label"),
                rs.getString("key_fingerprint"), Instant.ofEpochMilli(rs.getLong("created_at")));
    }
}
