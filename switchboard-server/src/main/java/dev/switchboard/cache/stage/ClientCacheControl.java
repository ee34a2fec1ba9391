package dev.switchboard.cache.stage;

import java.time.Duration;
import java.util.Locale;

/**
 * What a client asks of the cache: {@code Cache-Control: no-store} (neither read nor write), {@code no-cache} (no
 * lookup, the fresh answer refreshes the entry), and {@code x-switchboard-cache-ttl: <seconds>} (keep this answer
 * for less than the configured TTL; never more).
 */
record ClientCacheControl(boolean noStore, boolean noCache, Duration ttl) {
    static final String TTL_HEADER = "x-switchboard-cache-ttl";

    static ClientCacheControl of(String cacheControl, String ttlHeader, Duration configured) {
        boolean noStore = false;
        boolean noCache = false;
        if (cacheControl != null && cacheControl.length() <= 1024) {
            for (String directive : cacheControl.toLowerCase(Locale.ROOT).split(",")) {
                String d = directive.trim();
                noStore |= d.equals("no-store");
                noCache |= d.equals("no-cache");
            }
        }
        Duration ttl = configured;
        if (ttlHeader != null && ttlHeader.length() <= 10 && ttlHeader.chars().allMatch(Character::isDigit) && !ttlHeader.isEmpty()) {
            long seconds = Long.parseLong(ttlHeader);
            if (seconds == 0) {
                noStore = true; // kept for no time: not kept
            } else if (seconds < configured.toSeconds()) {
                ttl = Duration.ofSeconds(seconds);
            }
        }
        return new ClientCacheControl(noStore, noCache, ttl);
    }
}
