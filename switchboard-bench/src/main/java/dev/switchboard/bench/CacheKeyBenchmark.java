package dev.switchboard.bench;

import dev.switchboard.cache.CacheKey;
import dev.switchboard.ingress.openai.OpenAiRequestDecoder;
import dev.switchboard.json.Json;
import dev.switchboard.model.ModelRequest;
import dev.switchboard.model.Operation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the exact cache's key costs a request, by body size: the canonical hash ({@code exact}), the semantic split
 * (two passes), and for scale a plain SHA-256 of the bytes and a parse into a tree (what the key avoids).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CacheKeyBenchmark {
    @Param({"1024", "1048576"})
    int bytes;

    private ModelRequest request;
    private MessageDigest sha;

    @Setup
    public void setUp() throws NoSuchAlgorithmException {
        StringBuilder sb = new StringBuilder("{\"model\":\"openai/gpt-4o\",\"temperature\":0,\"max_tokens\":256,"
                + "\"messages\":[{\"role\":\"system\",\"content\":\"You are a helpful assistant.\"}");
        int turn = 0;
        while (sb.length() < bytes - 200) {
            int room = Math.min(2000, bytes - 200 - sb.length());
            sb.append(",{\"role\":\"").append(turn++ % 2 == 0 ? "user" : "assistant").append("\",\"content\":\"")
                    .append("Some conversation text, with numbers 3.14 and names. ".repeat(Math.max(1, room / 54))).append("\"}");
        }
        sb.append(",{\"role\":\"user\",\"content\":\"And what is 2+2?\"}]}");
        request = OpenAiRequestDecoder.decode(Operation.CHAT, sb.toString().getBytes(StandardCharsets.UTF_8));
        sha = MessageDigest.getInstance("SHA-256");
    }

    @Benchmark
    public CacheKey exact() {
        return CacheKey.of("team:research", request);
    }

    @Benchmark
    public CacheKey.SemanticParts semantic() {
        return CacheKey.semanticParts("team:research", request);
    }

    @Benchmark
    public byte[] sha256OfTheBytes() {
        return sha.digest(request.raw());
    }

    @Benchmark
    public Object parseIntoATree() throws IOException {
        return Json.MAPPER.readTree(request.raw());
    }
}
