package dev.switchboard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;

/**
 * One request of a burst: which gateway it went to, when it was sent and answered, and the answer (or the
 * client-side failure, e.g. a timeout: the gateway never answered).
 */
public record Shot(int gateway, long sentNanos, long doneNanos, HttpResponse<String> response, Throwable failure) {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public int status() {
        return response == null ? -1 : response.statusCode();
    }

    public boolean ok() {
        return status() == 200;
    }

    public long millis() {
        return (doneNanos - sentNanos) / 1_000_000;
    }

    /** {@code error.code} of an error answer, or null. */
    public String errorCode() {
        if (response == null || ok()) {
            return null;
        }
        try {
            JsonNode code = MAPPER.readTree(response.body()).path("error").path("code");
            return code.isTextual() ? code.asText() : null;
        } catch (Exception e) {
            return null;
        }
    }

    /** A short label for tallies: {@code 200}, {@code 429 rate_limit_exceeded}, {@code no answer: HttpTimeoutException}. */
    public String outcome() {
        if (response == null) {
            return "no answer: " + failure.getClass().getSimpleName();
        }
        String code = errorCode();
        return code == null ? Integer.toString(status()) : status() + " " + code;
    }

    /** {@code usage.total_tokens} of a 200 chat answer. */
    public long totalTokens() {
        try {
            return MAPPER.readTree(response.body()).path("usage").path("total_tokens").asLong();
        } catch (Exception e) {
            throw new AssertionError("not a chat answer: " + response.body(), e);
        }
    }

    /** {@code x-switchboard-cost-usd} of a 200 answer, in micro-USD. */
    public long costMicroUsd() {
        String cost = response.headers().firstValue("x-switchboard-cost-usd")
                .orElseThrow(() -> new AssertionError("no x-switchboard-cost-usd on " + response.headers().map()));
        return new java.math.BigDecimal(cost).movePointRight(6).longValueExact();
    }

    public long header(String name) {
        return LimitTesting.header(response, name);
    }
}
