package dev.switchboard.testing.stages;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** What the journaling test stages saw, by the gateway's request id (read back from x-request-id). */
public final class StageJournal {
    private static final Map<String, List<String>> BY_REQUEST = new ConcurrentHashMap<>();

    private StageJournal() {}

    static void add(String requestId, String entry) {
        BY_REQUEST.computeIfAbsent(requestId, k -> java.util.Collections.synchronizedList(new ArrayList<>())).add(entry);
    }

    public static List<String> of(String requestId) {
        List<String> l = BY_REQUEST.get(requestId);
        return l == null ? List.of() : List.copyOf(l);
    }
}
