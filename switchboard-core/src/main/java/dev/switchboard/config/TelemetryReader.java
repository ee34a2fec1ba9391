package dev.switchboard.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.secret.Secret;
import java.util.Set;

/** Reads the {@code telemetry:} section: {@code token} and {@code listen}. */
final class TelemetryReader {
    private static final Set<String> FIELDS = Set.of("token", "listen");
    /** Shorter tokens are guessable; the endpoint has no throttling of its own. */
    private static final int MIN_TOKEN = 16;

    private TelemetryReader() {}

    static TelemetryConfig read(JsonNode n, Reader r) {
        if (n == null || !r.object(n, "telemetry")) {
            return TelemetryConfig.NONE;
        }
        r.fields(n, "telemetry", FIELDS);
        String token = r.string(n, "token", "telemetry", false);
        if (token != null && token.length() < MIN_TOKEN) {
            r.problems.add("telemetry.token", "use at least " + MIN_TOKEN + " characters (e.g. ${env:SWITCHBOARD_TELEMETRY_TOKEN})");
        }
        String host = null;
        int port = -1;
        if (n.has("listen")) {
            Reader.HostPort listen = r.listen(n, "telemetry", new Reader.HostPort("127.0.0.1", 9464), "127.0.0.1:9464");
            host = listen.host();
            port = listen.port();
        }
        return new TelemetryConfig(token == null || token.isEmpty() ? null : new Secret(token), host, port);
    }
}
