package dev.switchboard.server.engine;

import dev.switchboard.server.call.Exchange;
import dev.switchboard.telemetry.GatewayMetrics;
import dev.switchboard.usage.Usage;
import dev.switchboard.usage.UsageEvent;
import dev.switchboard.usage.UsageSink;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records how each request ended: metrics, one access-log line (no prompt text, no secrets; written by an
 * asynchronous appender) and a usage event. Called once per exchange on its event loop.
 */
public final class OutcomeRecorder {
    private static final Logger ACCESS = LoggerFactory.getLogger("switchboard.access");
    private static final Logger LOG = LoggerFactory.getLogger(OutcomeRecorder.class);

    private final GatewayMetrics metrics;
    private final UsageSink usageSink;
    private final AdmissionControl admission;
    private final dev.switchboard.telemetry.ModelLabels modelLabels = new dev.switchboard.telemetry.ModelLabels();

    public OutcomeRecorder(GatewayMetrics metrics, UsageSink usageSink, AdmissionControl admission) {
        this.metrics = metrics;
        this.usageSink = usageSink;
        this.admission = admission;
    }

    private static String status(int status) {
        return status == 200 ? "200" : status >= 100 && status <= 599 ? Integer.toString(status) : "other";
    }

    /** Runs a step of the exchange; any failure becomes the caller's error answer, never a dropped request. */
    public void guarded(Exchange ex, Runnable step) {
        try {
            step.run();
        } catch (dev.switchboard.error.GatewayException e) {
            fail(ex, e);
        } catch (RuntimeException e) {
            LOG.error("request {} failed unexpectedly", ex.requestId, LogText.safe(e)); // messages may quote client text
            fail(ex, new dev.switchboard.error.GatewayException(dev.switchboard.error.ErrorKind.INTERNAL,
                    "The gateway failed to handle the request (request id " + ex.requestId + ")."));
        } catch (Error e) {
            failOnError(ex, e);
        }
    }

    /**
     * An Error (OutOfMemoryError, StackOverflowError, a linkage error) in a step: the exchange is still answered and
     * its reservation settled, else the client hangs and the counters keep the worst case for good. Not rethrown:
     * the JVM's own handling (-XX:+ExitOnOutOfMemoryError, heap dumps) already acted when it was thrown, and above
     * this frame there is only the event loop, which would log it again. If answering fails too, the exchange is
     * still marked finished and settled.
     */
    void failOnError(Exchange ex, Error e) {
        try {
            LOG.error("request {} failed with {}", ex.requestId, e.toString(), e);
            fail(ex, new dev.switchboard.error.GatewayException(dev.switchboard.error.ErrorKind.INTERNAL,
                    "The gateway failed to handle the request (request id " + ex.requestId + ")."));
        } catch (Throwable again) {
            if (!ex.isFinished()) {
                ex.status = 500;
                finish(ex);
            }
        }
    }

    /** Answers with the error in the caller's dialect (unless an answer already went out) and records the outcome. */
    public void fail(Exchange ex, dev.switchboard.error.GatewayException e) {
        if (ex.isFinished()) {
            return;
        }
        ex.status = e.status();
        ex.errorType = e.kind().code();
        ErrorWriter.write(ex.client, ex.dialect, e);
        finish(ex);
    }

    /**
     * The exchange is over: once, its outcome goes to its stages (the configured ones, innermost first, then the
     * built-in admission, which settles, and recording, which records). An exchange that ended before its stages
     * started (refused at the door, unreadable, a model it may not use) is settled and recorded directly.
     */
    public void finish(Exchange ex) {
        if (!ex.markFinished()) {
            return;
        }
        ex.finishedNanos = System.nanoTime();
        if (ex.stages != null) {
            CallStages.afterOutcome(ex);
            return;
        }
        if (ex.request != null) {
            admission.settle(ex); // the real usage and cost replace what admission reserved
        }
        record(ex);
    }

    /** Metrics, the usage event and the access log line of a finished exchange. */
    void record(Exchange ex) {
        long duration = ex.finishedNanos - ex.startNanos;
        String provider = ex.target == null ? "none" : ex.target.provider().name();
        String model = ex.target == null ? "none" : ex.target.publicModel();
        // labels are bounded: a client-chosen provider/model name is counted as "other" (see ModelLabels)
        GatewayMetrics.MeterSet meters = metrics.meters(new GatewayMetrics.Labels(ex.operation, provider,
                modelLabels.label(ex.snapshot.router(), ex.target == null ? null : model), status(ex.status), ex.errorType));
        meters.request(duration);
        long ttft = ex.firstTokenNanos < 0 ? -1 : ex.firstTokenNanos - ex.startNanos;
        if (ttft >= 0) {
            meters.timeToFirstToken(ttft);
        }
        Usage usage = ex.usage;
        if (usage != null) {
            meters.tokens(usage.promptTokens(), usage.completionTokens());
        }
        long saved = ex.replay == null ? 0 : admission.savedMicroUsd(ex.replay, usage);
        if (ex.replay != null) { // by the answering stage's name: chosen by the operator, bounded
            metrics.replayed(ex.answeredBy, saved);
        }
        if (ex.request != null) {
            // millisecond precision, as stored; Instant.now() costs a VM call per request
            Instant at = Instant.ofEpochMilli(System.currentTimeMillis());
            usageSink.record(new UsageEvent(at, ex.requestId, ex.key == null ? null : ex.key.name(),
                    ex.operation, recordedModel(ex), provider, ex.target == null ? null : ex.target.upstreamModel(),
                    ex.request.stream(), ex.status, usage == null ? Usage.NONE : usage, usage != null && !ex.usageEstimated,
                    duration / 1_000_000, ttft < 0 ? -1 : ttft / 1_000_000, ex.key == null ? null : ex.key.team(),
                    ex.costMicroUsd < 0 ? UsageEvent.UNKNOWN_COST : ex.costMicroUsd / 1_000_000.0, ex.clientRequestId,
                    usage != null && ex.usageEstimated, ex.replay != null, saved < 0 ? UsageEvent.UNKNOWN_COST : saved / 1e6));
        }
        if (ex.snapshot.config().server().accessLog() && ACCESS.isInfoEnabled()) {
            // every client-influenced value escaped and bounded: one request, one line (LogText)
            ACCESS.info("{} {} {} {} key={} model={} provider={} upstream_model={} ms={} ttft_ms={} in={} out={}{}{}",
                    ex.requestId, LogText.clean(ex.client.method(), 32), LogText.clean(ex.client.path(), 512), ex.status,
                    LogText.clean(ex.key == null ? null : ex.key.name()), LogText.clean(model), LogText.clean(provider),
                    LogText.clean(ex.target == null ? null : ex.target.upstreamModel()), duration / 1_000_000,
                    ttft < 0 ? "-" : Long.toString(ttft / 1_000_000),
                    usage == null ? "-" : Long.toString(usage.promptTokens()),
                    usage == null ? "-" : Long.toString(usage.completionTokens()),
                    ex.errorType.isEmpty() ? "" : " error=" + ex.errorType,
                    ex.clientRequestId == null ? "" : " client_request_id=" + ex.clientRequestId);
        }
    }

    /** A model name that failed validation is recorded as {@code (unknown)}, not as whatever the client sent. */
    private static String recordedModel(Exchange ex) {
        return ex.target == null && "model_not_found".equals(ex.errorType) ? "(unknown)" : ex.request.model();
    }
}
