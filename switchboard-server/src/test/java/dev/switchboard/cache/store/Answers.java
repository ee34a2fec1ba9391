package dev.switchboard.cache.store;

import dev.switchboard.cache.CacheKey;
import dev.switchboard.cache.CachedAnswer;
import dev.switchboard.ingress.openai.OpenAiIngress;
import dev.switchboard.model.Operation;
import dev.switchboard.usage.Usage;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Keys and answers for the store tests. */
final class Answers {
    private Answers() {}

    static CacheKey key(String namespace, String model, String question) {
        String body = "{\"model\":\"" + model + "\",\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":\"" + question + "\"}]}";
        return CacheKey.of(namespace, OpenAiIngress.INSTANCE.decode(Operation.CHAT, body.getBytes(StandardCharsets.UTF_8)));
    }

    static CachedAnswer answer(String text) {
        return answer(text, 0);
    }

    /** An answer whose text is padded to at least {@code size} chars. */
    static CachedAnswer answer(String text, int size) {
        String padded = text + " ".repeat(Math.max(0, size - text.length()));
        String body = "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":\"" + padded + "\"},\"finish_reason\":\"stop\"}]}";
        return new CachedAnswer(body.getBytes(StandardCharsets.UTF_8), new Usage(3, 1, 4, 0, 0), "openai/gpt-4o",
                System.currentTimeMillis(), false);
    }

    static String text(CachedAnswer a) {
        String body = new String(a.body(), StandardCharsets.UTF_8);
        int start = body.indexOf("\"content\":\"") + 11;
        return body.substring(start, body.indexOf('"', start)).strip();
    }

    static <T> T await(Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
