package dev.switchboard.admin;

import java.util.List;
import java.util.Locale;

/**
 * Where the admin API listens and which admin keys it accepts.
 *
 * @param adminKeySha256 lower-case hex SHA-256 of each admin key (never the keys themselves, never client keys)
 * @param tlsCertPath PEM certificate chain; with {@code tlsKeyPath} the listener speaks only TLS (null: plain HTTP)
 * @param tlsKeyPath PEM private key
 * @param allow CIDRs of peers that may reach the API at all (empty: any peer)
 */
public record AdminSettings(String host, int port, List<String> adminKeySha256, String tlsCertPath, String tlsKeyPath,
                            List<String> allow) {
    public AdminSettings {
        host = host == null || host.isBlank() ? "127.0.0.1" : host;
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("admin port must be 0..65535, got " + port);
        }
        adminKeySha256 = adminKeySha256 == null ? List.of()
                : adminKeySha256.stream().map(h -> h.strip().toLowerCase(Locale.ROOT)).toList();
        for (String h : adminKeySha256) {
            if (!h.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("admin keys must be configured as 64 hex characters of SHA-256");
            }
        }
        if ((tlsCertPath == null) != (tlsKeyPath == null)) {
            throw new IllegalArgumentException("admin TLS needs both a certificate and a key");
        }
        allow = allow == null ? List.of() : List.copyOf(allow);
    }

    public AdminSettings(String host, int port, List<String> adminKeySha256) {
        this(host, port, adminKeySha256, null, null, List.of());
    }

    public boolean tls() {
        return tlsCertPath != null;
    }

    @Override
    public String toString() {
        return "AdminSettings[host=" + host + ", port=" + port + ", adminKeys=" + adminKeySha256.size() + ", tls=" + tls()
                + ", allow=" + allow + "]";
    }
}
