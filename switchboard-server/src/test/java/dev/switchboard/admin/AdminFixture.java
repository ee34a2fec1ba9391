package dev.switchboard.admin;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.json.Json;
import dev.switchboard.store.Store;
import dev.switchboard.store.crypto.MasterKey;
import dev.switchboard.store.repository.KeySecrets;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * A real admin server on a free port over a real store, an HTTP client that keeps every answer, and a capture of
 * everything logged, so tests can prove no secret ever left in a response or a log line.
 */
final class AdminFixture implements AutoCloseable {
    record Answer(int status, JsonNode json, String raw) {}

    final String adminKey = "sb-admin-" + UUID.randomUUID();
    final String masterKeyBase64 = MasterKey.generateBase64();
    final MasterKey masterKey = MasterKey.fromBase64(masterKeyBase64);
    final Store store;
    final Vertx vertx = Vertx.vertx();
    final AdminServer server;
    final List<String> secrets = new CopyOnWriteArrayList<>();
    final List<String> bodies = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Logger switchboard = (Logger) LoggerFactory.getLogger("dev.switchboard");
    private final Level previousLevel = switchboard.getLevel();

    AdminFixture(Store store, boolean withMasterKey) throws Exception {
        this.store = store;
        logs.start();
        root.addAppender(logs);
        // our own loggers at DEBUG go only to the capture, keeping the console quiet
        switchboard.addAppender(logs);
        switchboard.setAdditive(false);
        switchboard.setLevel(Level.DEBUG);
        secrets.add(adminKey);
        secrets.add(masterKeyBase64);
        server = AdminServer.start(vertx, new AdminSettings("127.0.0.1", 0, List.of(KeySecrets.sha256Hex(adminKey))),
                store, withMasterKey ? masterKey : null).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    String url() {
        return "http://127.0.0.1:" + server.port();
    }

    String actorPrefix() {
        return "admin:" + KeySecrets.sha256Hex(adminKey).substring(0, 8);
    }

    Answer call(String method, String path, String body) throws Exception {
        return call(method, path, body, "Bearer " + adminKey, null);
    }

    Answer callAs(String actor, String method, String path, String body) throws Exception {
        return call(method, path, body, "Bearer " + adminKey, actor);
    }

    Answer call(String method, String path, String body, String authorization, String actor) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        if (actor != null) {
            b.header("X-Switchboard-Actor", actor);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        HttpResponse<String> res = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        bodies.add(res.body());
        assertThat(res.headers().firstValue("content-type")).hasValue("application/json");
        return new Answer(res.statusCode(), Json.MAPPER.readTree(res.body()), res.body());
    }

    List<String> logLines() {
        List<String> out = new ArrayList<>();
        for (ILoggingEvent e : logs.list) {
            out.add(e.getFormattedMessage());
            if (e.getThrowableProxy() != null) {
                out.add(ThrowableProxyUtil.asString(e.getThrowableProxy()));
            }
        }
        return out;
    }

    /** No secret used by the test appears in any answer (other than where it is meant to be) or any log line. */
    void assertNoSecretLeaked(List<String> allowedBodies) {
        for (String secret : secrets) {
            for (String body : bodies) {
                if (!allowedBodies.contains(body)) {
                    assertThat(body).as("an answer leaks a secret").doesNotContain(secret);
                }
            }
            for (String line : logLines()) {
                assertThat(line).as("a log line leaks a secret").doesNotContain(secret);
            }
        }
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        root.detachAppender(logs);
        switchboard.detachAppender(logs);
        switchboard.setAdditive(true);
        switchboard.setLevel(previousLevel);
        store.close();
    }
}
