package dev.switchboard.server.call;

import dev.switchboard.access.ClientKey;
import dev.switchboard.ingress.IngressDialect;
import dev.switchboard.ingress.openai.OpenAiIngress;
import dev.switchboard.model.ModelRequest;
import dev.switchboard.routing.Target;
import dev.switchboard.runtime.Snapshot;
import dev.switchboard.usage.Usage;
import dev.switchboard.server.wire.ClientSide;
import dev.switchboard.server.admission.StreamAllowance;

/**
 * The typed state of one request as it moves through the gateway. Confined to the event loop that
 * received the request; finished exactly once.
 *
 * <p>Its fields are public and mutable: it is the engine's and the relays' shared working state for one call (both
 * live in packages of their own), read and written on every request on the event loop, so plain fields keep those
 * steps as cheap as they were and add no accessor pair per field. Nothing outside the server's call path holds one;
 * the wiring uses the accessors below.
 */
public final class Exchange {
    /** The gateway's own id (the usage ledger's key); never chosen by the client. */
    public final String requestId;
    /** The caller's own {@code x-request-id} when it sent a plain one, else null; recorded beside requestId. */
    public String clientRequestId;
    public final long startNanos = System.nanoTime();
    /** When the exchange finished (its recorded duration ends here, whatever stages do afterwards). */
    public long finishedNanos;
    /** The client's request head and the answer going back to it. */
    public final ClientSide client;
    public final Snapshot snapshot;
    /** The client's API dialect: how its request is read and its answers and errors are written. */
    public IngressDialect dialect = OpenAiIngress.INSTANCE;
    public String operation = "other";
    public ClientKey key;
    public ModelRequest request;
    public Target target;
    /** What admission reserved (null: nothing counted), settled when the exchange finishes. */
    public dev.switchboard.limits.Reservation reservation;
    public long estimatedInputTokens = -1;
    /** Answers the request asks for (n, best_of) and its max_tokens (-1: none), for learning its real output. */
    public long outputChoices = 1;
    public long outputCap = -1;
    /** For an admitted stream with limits: asks for more room as the stream outgrows its reservation. */
    public StreamAllowance allowance;
    /** The request's cost in micro-USD once known, -1 when unknown. */
    public long costMicroUsd = -1;
    /** The usage {@link #costMicroUsd} was computed for (the cost header and the settlement need the same figure). */
    public Usage costedUsage;
    /** Upstream attempts so far (retries and fallbacks included). */
    public int attempts;
    public int status;
    public String errorType = "";
    public Usage usage;
    /** The usage is the gateway's estimate (the provider reported none): recorded as such in the ledger. */
    public boolean usageEstimated;
    public long firstTokenNanos = -1;
    /** What admission reserved (input + expected output): the charge when the provider may have worked but no usage came back. */
    public long reservedTokens;
    public long reservedMicroUsd = -1;
    /** The latest upstream attempt, and how many earlier ones may have made the provider generate (never refunded). */
    public UpstreamCall upstreamCall;
    public int earlierWorkedAttempts;
    /** The configured stages of this call, or null when none apply. */
    public dev.switchboard.stage.StageRun stages;
    /** The stage that answered or refused the call itself, or null. */
    public String answeredBy;
    /** The whole canonical answer the client got (kept only for the stages' outcome hooks), or null. */
    public dev.switchboard.stage.StageAnswer deliveredAnswer;
    /** What a stage's answer replays (a cache hit), or null: recorded as a replay, priced for the cost saved. */
    public dev.switchboard.stage.StageAnswer.Replay replay;
    private boolean finished;

    public Exchange(String requestId, ClientSide client, Snapshot snapshot) {
        this.requestId = requestId;
        this.client = client;
        this.snapshot = snapshot;
    }

    // What the wiring outside the engine (lanes, routes, caller identification) reads and sets; the engine and the
    // relays work on the fields.

    public String requestId() {
        return requestId;
    }

    public void clientRequestId(String id) {
        this.clientRequestId = id;
    }

    public ClientSide client() {
        return client;
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    public IngressDialect dialect() {
        return dialect;
    }

    public void dialect(IngressDialect dialect) {
        this.dialect = dialect;
    }

    public void operation(String operation) {
        this.operation = operation;
    }

    public ClientKey key() {
        return key;
    }

    public void key(ClientKey key) {
        this.key = key;
    }

    public void target(Target target) {
        this.target = target;
    }

    public void status(int status) {
        this.status = status;
    }

    /** What routing conditions read about this request; the costly parts are computed only when a rule asks. */
    public static dev.switchboard.routing.condition.RequestFacts facts(Exchange ex, ModelRequest req) {
        return new dev.switchboard.routing.condition.StandardRequestFacts(ex.client::header,
                ex.key == null ? null : ex.key.name(), ex.key == null ? null : ex.key.team(),
                ex.key == null ? java.util.Map.of() : ex.key.metadata(), req);
    }

    /** A new upstream attempt is being sent; the previous one counts if the provider may have worked on it. */
    public void sending(UpstreamCall call) {
        if (upstreamCall != null && upstreamCall.mayHaveGenerated()) {
            earlierWorkedAttempts++;
        }
        upstreamCall = call;
    }

    /** Whether any attempt reached the provider without its answer saying that nothing was generated. */
    public boolean providerMayHaveWorked() {
        return earlierWorkedAttempts > 0 || firstTokenNanos >= 0 || (upstreamCall != null && upstreamCall.mayHaveGenerated());
    }

    /** True the first time only: the caller then records the outcome. */
    public boolean markFinished() {
        if (finished) {
            return false;
        }
        finished = true;
        return true;
    }

    public boolean isFinished() {
        return finished;
    }
}
