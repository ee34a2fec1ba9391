package dev.switchboard.store.ledger;

import dev.switchboard.usage.Usage;
import dev.switchboard.usage.UsageEvent;
import java.time.Instant;

/** Usage events for the store's tests: a streamed chat call with fixed token counts. */
public final class UsageEvents {
    private UsageEvents() {}

    public static UsageEvent event(String id, Instant at, String key, String team, String model, double cost) {
        return new UsageEvent(at, id, key, "chat", model, "openai", model + "-up", true, 200,
                new Usage(100, 20, 120, 10, 5), true, 40, 7, team, cost);
    }
}
