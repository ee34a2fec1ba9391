package dev.switchboard.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Chat requests spread over a {@link Fleet}: a burst sent all at once, or a steady stream while a test breaks
 * Redis. Request i goes to gateway i % size. Every request gets a generous client timeout, so a gateway that
 * never answers shows up as a failed {@link Shot} instead of a stuck test.
 */
public final class FleetTraffic {
    /** Far above any answer a healthy gateway gives here; a request still open then counts as hung. */
    static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(15);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private FleetTraffic() {
    }

    /** Sends {@code n} requests at once with this key and body, and waits for every answer. */
    public static List<Shot> burst(Fleet fleet, int n, String key, String body) {
        List<CompletableFuture<Shot>> all = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            all.add(send(fleet, i, key, body));
        }
        return all.stream().map(CompletableFuture::join).toList();
    }

    /** Sends one request to gateway {@code i % size} and waits for the answer. */
    public static Shot one(Fleet fleet, int i, String key, String body) {
        return send(fleet, i, key, body).join();
    }

    /** Starts sending {@code n} requests evenly over {@code over} on a thread of its own; see {@link Stream#await}. */
    public static Stream stream(Fleet fleet, int n, Duration over, String key, String body) {
        Stream s = new Stream();
        List<String> urls = fleet.urls(); // the test may close the fleet before the stream ends
        Thread t = new Thread(() -> {
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                long due = start + over.toNanos() * i / n;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    sleepNanos(wait);
                }
                s.sent.add(send(urls, i, key, body));
            }
        }, "fleet-traffic");
        t.setDaemon(true);
        s.thread = t;
        t.start();
        return s;
    }

    /** Requests being sent by {@link #stream}. */
    public static final class Stream {
        private final List<CompletableFuture<Shot>> sent = java.util.Collections.synchronizedList(new ArrayList<>());
        private Thread thread;

        /** Waits until every request was sent and answered (or failed). */
        public List<Shot> await() {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            return List.copyOf(sent).stream().map(CompletableFuture::join).toList();
        }
    }

    private static CompletableFuture<Shot> send(Fleet fleet, int i, String key, String body) {
        return send(fleet.urls(), i, key, body);
    }

    private static CompletableFuture<Shot> send(List<String> urls, int i, String key, String body) {
        int gateway = i % urls.size();
        HttpRequest request = HttpRequest.newBuilder(URI.create(urls.get(gateway) + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .timeout(CLIENT_TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        long sent = System.nanoTime();
        return HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .handle((res, err) -> new Shot(gateway, sent, System.nanoTime(), res, err));
    }

    /** How many shots had each outcome ({@code 200: 50, 429 rate_limit_exceeded: 250}), for assertion messages. */
    public static Map<String, Long> tally(List<Shot> shots) {
        return shots.stream().collect(Collectors.groupingBy(Shot::outcome, TreeMap::new, Collectors.counting()));
    }

    /** One line on stdout with a test's numbers, so a run's log shows them whether it passes or fails. */
    public static void report(String test, List<Shot> shots, String more) {
        if (shots.isEmpty()) {
            System.out.printf("[fleet] %s: %s%n", test, more);
            return;
        }
        long slowest = shots.stream().mapToLong(Shot::millis).max().orElse(0);
        System.out.printf("[fleet] %s: %s, slowest %d ms%s%n", test, tally(shots), slowest, more.isEmpty() ? "" : ", " + more);
    }

    public static long count(List<Shot> shots, Predicate<Shot> which) {
        return shots.stream().filter(which).count();
    }

    /** Every request got an answer, none a 5xx other than 503 {@code limits_unavailable}, none slower than this. */
    public static void assertAnsweredWithin(List<Shot> shots, Duration max) {
        Map<String, Long> tally = tally(shots);
        assertThat(shots).as("every request answered: %s", tally).allSatisfy(s -> assertThat(s.response()).isNotNull());
        assertThat(shots).as("no 500 or other server error: %s", tally)
                .allSatisfy(s -> assertThat(s.status() < 500 || "limits_unavailable".equals(s.errorCode()))
                        .as("%s: %s", s.outcome(), s.response().body()).isTrue());
        long slowest = shots.stream().mapToLong(Shot::millis).max().orElse(0);
        assertThat(slowest).as("slowest answer in ms (%s)", tally).isLessThanOrEqualTo(max.toMillis());
    }

    /** A refusal of a rate limit: 429 in OpenAI's shape with a {@code retry-after} of at least a second. */
    public static void assertRateLimited(Shot s) {
        ErrorBodies.assertError(s.response(), 429, "rate_limit_error", "rate_limit_exceeded");
        assertThat(s.header("retry-after")).as("retry-after").isPositive();
    }

    /** A refusal of a budget: 429 {@code insufficient_quota} / {@code budget_exceeded} with a {@code retry-after}. */
    public static void assertOverBudget(Shot s) {
        ErrorBodies.assertError(s.response(), 429, "insufficient_quota", "budget_exceeded");
        assertThat(s.header("retry-after")).as("retry-after").isPositive();
    }

    /** 503 {@code limits_unavailable} with a {@code retry-after}: what fail_closed answers without Redis. */
    public static void assertLimitsUnavailable(Shot s) {
        ErrorBodies.assertError(s.response(), 503, "api_error", "limits_unavailable");
        assertThat(s.header("retry-after")).as("retry-after").isPositive();
    }

    private static void sleepNanos(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
