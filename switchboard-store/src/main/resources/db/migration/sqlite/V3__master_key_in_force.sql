-- The fingerprint of the master key credentials are encrypted under, so a replica with another key notices and a
-- write under a stale key is refused. Seeded from the newest credential row (null until the first credential).
CREATE TABLE master_key_in_force (id INTEGER PRIMARY KEY, fingerprint TEXT);
INSERT INTO master_key_in_force (id, fingerprint)
    VALUES (1, (SELECT key_fingerprint FROM upstream_credentials ORDER BY created_at DESC, id DESC LIMIT 1));
