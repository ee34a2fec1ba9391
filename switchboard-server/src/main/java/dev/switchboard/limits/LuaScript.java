package dev.switchboard.limits;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;

/**
 * A Lua script run by its SHA-1 (EVALSHA), falling back to EVAL, which also caches it, when the server
 * does not know it yet (NOSCRIPT: first use, restart, or SCRIPT FLUSH).
 */
final class LuaScript {
    private final String source;
    private final String sha;

    LuaScript(String source) {
        this.source = source;
        this.sha = sha1(source);
    }

    Future<Response> run(RedisAPI api, List<String> keys, List<String> args) {
        return api.evalsha(arguments(sha, keys, args)).recover(err -> {
            String message = err.getMessage();
            if (message != null && message.startsWith("NOSCRIPT")) {
                return api.eval(arguments(source, keys, args));
            }
            return Future.failedFuture(err);
        });
    }

    /**
     * Runs the script on {@code conn} with {@code numKeys} keys, whose keys then arguments {@code body} appends to the
     * request (so numbers go to the wire without becoming strings first).
     */
    Future<Response> run(RedisConnection conn, int numKeys, Consumer<Request> body) {
        Request bySha = Request.cmd(Command.EVALSHA).arg(sha).arg(numKeys);
        body.accept(bySha);
        return conn.send(bySha).recover(err -> {
            String message = err.getMessage();
            if (message != null && message.startsWith("NOSCRIPT")) {
                Request bySource = Request.cmd(Command.EVAL).arg(source).arg(numKeys);
                body.accept(bySource);
                return conn.send(bySource);
            }
            return Future.failedFuture(err);
        });
    }

    /** Caches the script on the server ahead of first use. */
    Future<Void> load(RedisAPI api) {
        return api.script(List.of("LOAD", source)).mapEmpty();
    }

    private static List<String> arguments(String head, List<String> keys, List<String> args) {
        List<String> out = new ArrayList<>(2 + keys.size() + args.size());
        out.add(head);
        out.add(Integer.toString(keys.size()));
        out.addAll(keys);
        out.addAll(args);
        return out;
    }

    private static String sha1(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
