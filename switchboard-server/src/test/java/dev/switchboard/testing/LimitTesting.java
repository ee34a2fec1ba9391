package dev.switchboard.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;

/** Helpers for limit tests: raw chat requests with a chosen key, bursts of concurrent requests, minute windows. */
public final class LimitTesting {
    private static final long MINUTE = 60_000;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    private LimitTesting() {
    }

    /** A chat body for this model with an optional max_tokens (null = none) and optional streaming. */
    public static String chat(String model, Integer maxTokens, boolean stream) {
        return "{\"model\":\"" + model + "\"," + (maxTokens == null ? "" : "\"max_tokens\":" + maxTokens + ",")
                + (stream ? "\"stream\":true," : "")
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}]}";
    }

    public static HttpRequest chatRequest(String baseUrl, String key, String body) {
        return HttpRequest.newBuilder(URI.create(baseUrl + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    public static HttpResponse<String> send(String baseUrl, String key, String body) {
        return HTTP.sendAsync(chatRequest(baseUrl, key, body), HttpResponse.BodyHandlers.ofString()).join();
    }

    /** Sends {@code n} requests at once (request i built by {@code build}) and waits for every answer. */
    public static List<HttpResponse<String>> burst(int n, IntFunction<HttpRequest> build) {
        List<CompletableFuture<HttpResponse<String>>> all = new java.util.ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            all.add(HTTP.sendAsync(build.apply(i), HttpResponse.BodyHandlers.ofString()));
        }
        return all.stream().map(CompletableFuture::join).toList();
    }

    public static HttpClient http() {
        return HTTP;
    }

    /**
     * Makes sure at least {@code needed} of the current UTC minute window remains (sleeping into the next
     * window otherwise), so a test's counts all land in one window.
     */
    public static void awayFromMinuteEdge(Duration needed) throws InterruptedException {
        long left = MINUTE - System.currentTimeMillis() % MINUTE;
        if (left < needed.toMillis()) {
            Thread.sleep(left + 50);
        }
    }

    public static long header(HttpResponse<?> res, String name) {
        return Long.parseLong(res.headers().firstValue(name)
                .orElseThrow(() -> new AssertionError("no " + name + " header in " + res.headers().map())));
    }
}
