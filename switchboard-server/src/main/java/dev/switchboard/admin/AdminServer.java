package dev.switchboard.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.json.Json;
import dev.switchboard.store.Store;
import dev.switchboard.store.crypto.MasterKey;
import dev.switchboard.store.failure.NotFoundException;
import dev.switchboard.store.failure.StoreException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP API on its own port: teams, keys, credentials, approvals, audit and usage over the store, and the
 * gateway's response cache.
 * Authentication and parsing happen on the event loop; every store call runs on a worker thread. Request
 * bodies are never logged (they carry key material).
 */
public final class AdminServer {
    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
    private static final String PREFIX = "/admin/";
    private static final int MAX_BODY_BYTES = 64 * 1024;

    private final Vertx vertx;
    private final AdminAuth auth;
    private final AdminGate gate;
    private final AdminRoutes routes = new AdminRoutes();
    private final CredentialsApi credentials;
    private HttpServer http;

    private AdminServer(Vertx vertx, AdminSettings settings, Store store, MasterKey masterKey) {
        this.vertx = vertx;
        this.auth = new AdminAuth(settings.adminKeySha256());
        this.gate = new AdminGate(dev.switchboard.auth.CidrSet.parse(settings.allow()));
        TeamsApi teams = new TeamsApi(store);
        KeysApi keys = new KeysApi(store, teams);
        this.credentials = new CredentialsApi(store, masterKey);
        teams.register(routes);
        keys.register(routes);
        credentials.register(routes);
        new ApprovalsApi(store, teams, keys).register(routes);
        new ReportsApi(store).register(routes);
        new CacheApi(dev.switchboard.cache.stage.GatewayCaches.of(vertx), store).register(routes);
    }

    /**
     * Starts listening.
     *
     * @param masterKey may be null: the credential endpoints then answer 503
     */
    public static Future<AdminServer> start(Vertx vertx, AdminSettings settings, Store store, MasterKey masterKey) {
        AdminServer server = new AdminServer(vertx, settings, store, masterKey);
        if (settings.adminKeySha256().isEmpty()) {
            LOG.warn("admin API has no admin keys configured: every request will be refused");
        }
        // HTTP/1.1 only: no h2c upgrade, which Java's HttpClient (the CLI's too) asks for and can misread (docs/data-plane.md)
        HttpServerOptions options = new HttpServerOptions().setHost(settings.host()).setPort(settings.port())
                .setHttp2ClearTextEnabled(false);
        if (settings.tls()) {
            options.setSsl(true).setKeyCertOptions(new io.vertx.core.net.PemKeyCertOptions()
                    .setCertPath(settings.tlsCertPath()).setKeyPath(settings.tlsKeyPath()));
        }
        return vertx.createHttpServer(options)
                .requestHandler(server::handle)
                .listen()
                .map(h -> {
                    server.http = h;
                    LOG.info("admin API listening on {}:{} ({})", settings.host(), h.actualPort(),
                            settings.tls() ? "TLS" : "plain HTTP");
                    return server;
                });
    }

    public int port() {
        return http.actualPort();
    }

    /** The master key credentials are encrypted under now (changes after a rotation); null when none. */
    public MasterKey masterKey() {
        return credentials.masterKey();
    }

    /** Called (on a worker thread) after a successful rotation, so the gateway can decrypt with the new key. */
    public void onMasterKeyRotated(Consumer<MasterKey> listener) {
        credentials.onRotated(listener);
    }

    public Future<Void> close() {
        return http == null ? Future.succeededFuture() : http.close();
    }

    private void handle(HttpServerRequest req) {
        // the peer first: a refused network, or a peer that keeps failing, never gets its key checked
        String peer = req.remoteAddress() == null ? null : req.remoteAddress().hostAddress();
        if (peer == null || !gate.allowed(peer)) {
            reply(req, error(new AdminException(403, "permission_error", "ip_not_allowed",
                    "This address may not use the admin API (admin.allow).")));
            return;
        }
        String path = req.path();
        if (!path.startsWith(PREFIX)) {
            reply(req, error(AdminException.notFound("Unknown path; the admin API lives under /admin/.")));
            return;
        }
        long now = System.currentTimeMillis();
        long wait = gate.blockedFor(peer, now);
        if (wait > 0) {
            req.response().putHeader("Retry-After", Long.toString(wait));
            reply(req, error(new AdminException(429, "rate_limit_error", "too_many_failed_logins",
                    "Too many failed admin logins from this address; try again in " + wait + " s.")));
            return;
        }
        String actor = auth.authenticate(req.getHeader("Authorization"), req.getHeader("X-Switchboard-Actor"));
        if (actor == null) {
            gate.failed(peer, now);
            reply(req, error(new AdminException(401, "authentication_error", "invalid_admin_key",
                    "A valid admin key is required: Authorization: Bearer <admin key>.")));
            return;
        }
        AdminRoutes.Match match = routes.match(req.method(), decode(path.substring(PREFIX.length())));
        if (match.handler() == null) {
            reply(req, error(match.pathKnown()
                    ? new AdminException(405, "invalid_request_error", "method_not_allowed",
                            "Method " + req.method() + " is not allowed here.")
                    : AdminException.notFound("Unknown admin endpoint " + req.method() + " " + path + ".")));
            return;
        }
        Map<String, String> query = new HashMap<>();
        req.params().forEach(e -> query.putIfAbsent(e.getKey(), e.getValue()));
        readBody(req).compose(body -> {
            AdminCall call = new AdminCall(match.params(), query, parse(body), actor);
            return vertx.executeBlocking(() -> match.handler().handle(call), false);
        }).onComplete(ar -> {
            AdminReply answer = ar.succeeded() ? ar.result() : error(ar.cause());
            LOG.debug("{} {} -> {} by {}", req.method(), path, answer.status(), actor);
            reply(req, answer);
        });
    }

    private static Future<Buffer> readBody(HttpServerRequest req) {
        if (req.method() == HttpMethod.GET || req.method() == HttpMethod.DELETE) {
            return Future.succeededFuture(Buffer.buffer());
        }
        String declared = req.getHeader("Content-Length");
        if (declared != null && declared.strip().matches("\\d{1,18}") && Long.parseLong(declared.strip()) > MAX_BODY_BYTES) {
            return Future.failedFuture(tooLarge());
        }
        io.vertx.core.Promise<Buffer> promise = io.vertx.core.Promise.promise();
        Buffer body = Buffer.buffer();
        req.handler(chunk -> {
            if (body.length() + chunk.length() > MAX_BODY_BYTES) {
                promise.tryFail(tooLarge());
                return;
            }
            body.appendBuffer(chunk);
        });
        req.endHandler(v -> promise.tryComplete(body));
        req.exceptionHandler(promise::tryFail);
        return promise.future();
    }

    private static AdminException tooLarge() {
        return new AdminException(413, "invalid_request_error", "body_too_large",
                "The request body is larger than " + MAX_BODY_BYTES + " bytes.");
    }

    private static JsonNode parse(Buffer body) {
        if (body.length() == 0) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(body.getBytes());
        } catch (JsonProcessingException e) {
            // the parser's message may quote the body, which can hold a secret
            throw AdminException.badRequest("The request body is not valid JSON.");
        } catch (java.io.IOException e) {
            throw AdminException.badRequest("The request body cannot be read.");
        }
    }

    private static String decode(String relative) {
        String[] parts = relative.split("/", -1);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                sb.append('/');
            }
            try {
                sb.append(URLDecoder.decode(parts[i], StandardCharsets.UTF_8).replace("/", "%2F"));
            } catch (IllegalArgumentException e) {
                sb.append(parts[i]);
            }
        }
        return sb.toString();
    }

    private static AdminReply error(Throwable t) {
        AdminException e = switch (t) {
            case AdminException a -> a;
            case NotFoundException n -> AdminException.notFound(n.getMessage());
            case IllegalArgumentException i -> AdminException.badRequest(i.getMessage());
            case dev.switchboard.store.crypto.MasterKeyMismatchException m -> AdminException.conflict(m.getMessage() + ".");
            case StoreException s when isConstraintViolation(s) ->
                    AdminException.conflict("The change conflicts with existing data (a duplicate or a row still in use).");
            default -> {
                // class name only: driver messages can quote values
                LOG.warn("admin request failed: {}", t.getClass().getName());
                yield new AdminException(500, "api_error", "internal_error",
                        "The admin operation failed; see the server log.");
            }
        };
        ObjectNode body = Json.MAPPER.createObjectNode();
        ObjectNode err = body.putObject("error");
        err.put("message", e.getMessage());
        err.put("type", e.type);
        err.put("code", e.code);
        return new AdminReply(e.status, body);
    }

    /** SQLSTATE class 23 (PostgreSQL) or SQLITE_CONSTRAINT: someone else got there first. */
    private static boolean isConstraintViolation(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof java.sql.SQLException sql && ((sql.getSQLState() != null && sql.getSQLState().startsWith("23"))
                    || (sql.getErrorCode() & 0xff) == 19)) {
                return true;
            }
        }
        return false;
    }

    private static void reply(HttpServerRequest req, AdminReply answer) {
        byte[] bytes;
        try {
            bytes = Json.MAPPER.writeValueAsBytes(answer.body());
        } catch (JsonProcessingException e) {
            bytes = "{\"error\":{\"message\":\"cannot encode answer\",\"type\":\"api_error\",\"code\":\"internal_error\"}}"
                    .getBytes(StandardCharsets.UTF_8);
        }
        req.response().setStatusCode(answer.status())
                .putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "no-store")
                .end(Buffer.buffer(bytes));
    }
}
