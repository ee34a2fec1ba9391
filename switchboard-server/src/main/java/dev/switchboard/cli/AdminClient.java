package dev.switchboard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Calls the admin API for the CLI. The admin key goes only into the Authorization header. */
final class AdminClient {
    /** The API refused or could not be reached; the message is fit to print. */
    static final class AdminCallException extends Exception {
        AdminCallException(String message) {
            super(message, null, false, false);
        }
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;
    private final String adminKey;
    private final String actor;

    AdminClient(String baseUrl, String adminKey, String actor) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.adminKey = adminKey;
        this.actor = actor;
    }

    JsonNode get(String path) throws AdminCallException {
        return send("GET", path, null);
    }

    JsonNode send(String method, String path, JsonNode body) throws AdminCallException {
        if (adminKey == null || adminKey.isBlank()) {
            throw new AdminCallException("no admin key: set SWITCHBOARD_ADMIN_KEY (or pass --admin-key)");
        }
        HttpRequest.Builder b;
        try {
            b = HttpRequest.newBuilder(URI.create(baseUrl + path));
        } catch (IllegalArgumentException e) {
            throw new AdminCallException("invalid --admin-url " + baseUrl);
        }
        b.timeout(TIMEOUT).header("Authorization", "Bearer " + adminKey.strip()).header("Accept", "application/json");
        if (actor != null && !actor.isBlank()) {
            b.header("X-Switchboard-Actor", actor);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
            b.method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> res;
        try {
            res = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AdminCallException("cannot reach the admin API at " + baseUrl + ": " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminCallException("interrupted");
        }
        JsonNode json;
        try {
            json = res.body().isEmpty() ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(res.body());
        } catch (IOException e) {
            throw new AdminCallException("the admin API answered HTTP " + res.statusCode() + " with a non-JSON body");
        }
        if (res.statusCode() >= 300) {
            String message = json.path("error").path("message").asText("HTTP " + res.statusCode());
            throw new AdminCallException(message + " (HTTP " + res.statusCode() + ")");
        }
        return json;
    }
}
