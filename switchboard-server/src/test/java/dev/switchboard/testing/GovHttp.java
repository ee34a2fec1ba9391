package dev.switchboard.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.function.Supplier;

/** Requests as a chosen caller (key or token, extra headers) and polling helpers for the governance e2e tests. */
public final class GovHttp {
    private GovHttp() {
    }

    /** A small chat request for {@code model} with {@code Authorization: Bearer credential} and extra header pairs. */
    public static HttpResponse<String> chat(GatewayFixture gw, String credential, String model, String... headerPairs) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}"));
        if (credential != null) {
            b.header("Authorization", "Bearer " + credential);
        }
        for (int i = 0; i < headerPairs.length; i += 2) {
            b.header(headerPairs[i], headerPairs[i + 1]);
        }
        return gw.send(b.build());
    }

    /** Polls until the condition holds (every 50 ms) or fails after the timeout. */
    public static void await(String what, Duration timeout, Supplier<Boolean> condition) {
        Instant end = Instant.now().plus(timeout);
        while (!Boolean.TRUE.equals(condition.get())) {
            if (Instant.now().isAfter(end)) {
                throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for: " + what);
            }
        }
    }

    /** Polls until the caller gets this status, returning that response. */
    public static HttpResponse<String> awaitStatus(int status, Duration timeout, Supplier<HttpResponse<String>> call) {
        HttpResponse<String>[] last = new HttpResponse[1];
        await("HTTP " + status, timeout, () -> {
            last[0] = call.get();
            return last[0].statusCode() == status;
        });
        return last[0];
    }

    /** Neither the body nor any header value of the answer carries one of the secrets. */
    public static void assertNoSecretIn(HttpResponse<String> res, Collection<String> secrets) {
        int i = 0;
        for (String secret : secrets) {
            int n = i++;
            assertThat(res.body().contains(secret)).as("secret #%d in the response body", n).isFalse();
            res.headers().map().forEach((name, values) -> assertThat(values.stream().anyMatch(v -> v.contains(secret)))
                    .as("secret #%d in response header %s", n, name).isFalse());
        }
    }
}
