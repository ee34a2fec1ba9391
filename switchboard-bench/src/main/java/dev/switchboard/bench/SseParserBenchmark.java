package dev.switchboard.bench;

import dev.switchboard.sse.SseEncoder;
import dev.switchboard.sse.SseEvent;
import dev.switchboard.sse.SseParser;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/** Parsing and re-encoding a typical 20-chunk chat stream, as the relay does for each streamed response. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SseParserBenchmark {
    private final byte[] stream;
    private final byte[][] tcpReads;

    public SseParserBenchmark() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            sb.append("data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,")
                    .append("\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"token").append(i)
                    .append(" \"},\"finish_reason\":null}]}\n\n");
        }
        sb.append("data: [DONE]\n\n");
        stream = sb.toString().getBytes(StandardCharsets.UTF_8);
        // the same bytes as they might arrive: reads of 100 bytes, splitting events mid-line
        int n = (stream.length + 99) / 100;
        tcpReads = new byte[n][];
        for (int i = 0; i < n; i++) {
            int from = i * 100;
            tcpReads[i] = java.util.Arrays.copyOfRange(stream, from, Math.min(stream.length, from + 100));
        }
    }

    @Benchmark
    public void parseWholeStream(Blackhole bh) {
        new SseParser(bh::consume).feed(stream);
    }

    @Benchmark
    public void parseStreamInSplitReads(Blackhole bh) {
        SseParser p = new SseParser(bh::consume);
        for (byte[] read : tcpReads) {
            p.feed(read);
        }
    }

    @Benchmark
    public void parseAndReencode(Blackhole bh) {
        new SseParser((SseEvent e) -> bh.consume(SseEncoder.encode(e))).feed(stream);
    }
}
