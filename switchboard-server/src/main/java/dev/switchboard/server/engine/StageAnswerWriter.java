package dev.switchboard.server.engine;

import dev.switchboard.server.call.Exchange;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.model.Operation;
import dev.switchboard.server.wire.HeaderNames;
import dev.switchboard.sse.SseEncoder;
import dev.switchboard.stage.StageAnswer;
import dev.switchboard.stream.AnswerEvents;
import dev.switchboard.stream.StreamEncoder;
import dev.switchboard.stream.StreamEvent;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * Writes an answer a stage made (a cache hit) in the client's dialect: whole, or as a stream when the client asked
 * for one (the events a provider's stream of that answer would have carried), with the usage the stage gave.
 */
final class StageAnswerWriter {
    private static final byte[] DONE = SseEncoder.data("[DONE]");

    private final OutcomeRecorder recorder;

    StageAnswerWriter(OutcomeRecorder recorder) {
        this.recorder = recorder;
    }

    void write(Exchange ex, StageAnswer answer, String stage) {
        String wrong = dev.switchboard.stage.AnswerShape.problem(ex.request.operation(), answer.body());
        if (wrong != null) {
            recorder.fail(ex, new GatewayException(ErrorKind.STAGE_FAILED, "Stage '" + stage
                    + "' answered with something that is not an answer (request id " + ex.requestId + ")."));
            return;
        }
        ex.usage = answer.usage();
        ex.replay = answer.replay();
        ex.client.putHeader(HeaderNames.ANSWERED_BY, stage);
        if (!ex.request.stream()) {
            byte[] encoded = ex.dialect.encodeAnswer(ex.request, answer.body());
            ex.status = 200;
            ex.deliveredAnswer = answer;
            ex.client.putHeader(HeaderNames.CONTENT_TYPE, HeaderNames.APPLICATION_JSON);
            ex.client.end(200, Buffer.buffer(encoded));
            recorder.finish(ex);
            return;
        }
        Buffer out = Buffer.buffer();
        if (ex.request.operation() == Operation.CHAT) {
            StreamEncoder encoder = ex.dialect.newEncoder(ex.request, ex.estimatedInputTokens);
            for (StreamEvent e : AnswerEvents.of(answer.body())) {
                encoder.onEvent(e, out::appendBytes);
            }
            encoder.onEnd(out::appendBytes);
        } else { // a legacy completion: its chunks have the answer's own shape
            out.appendBytes(SseEncoder.data(new String(answer.body(), StandardCharsets.UTF_8))).appendBytes(DONE);
        }
        ex.status = 200;
        ex.client.putHeader("content-type", "text/event-stream; charset=utf-8");
        ex.client.putHeader("cache-control", "no-cache");
        ex.client.startChunked(200);
        ex.firstTokenNanos = System.nanoTime();
        ex.client.endChunked(out);
        recorder.finish(ex);
    }
}
