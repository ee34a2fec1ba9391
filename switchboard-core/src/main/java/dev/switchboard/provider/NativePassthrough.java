package dev.switchboard.provider;

import dev.switchboard.error.GatewayException;
import dev.switchboard.sse.SseEvent;
import dev.switchboard.usage.Usage;
import java.util.List;
import java.util.function.Function;

/**
 * A byte pass-through between a client and a provider that speak the same dialect: the client's request goes up with
 * only the model replaced, and answers, events and the provider's own errors come back as the provider wrote them.
 * The engine gets one from {@link ChatAdapter#passthrough(String, ProviderEndpoint)} (bound to that provider) and
 * never learns which vendor it is. Implementations are pure and thread-safe, except {@link StreamWatcher}.
 */
public interface NativePassthrough {
    /**
     * @param clientBody   the client's request bytes (already validated by the ingress decoder)
     * @param clientHeader every value of a client request header, in order (empty when absent); the pass-through
     *                     reads only the few its dialect carries along (e.g. a version or beta-feature header), never
     *                     the client's credential
     */
    UpstreamRequest toUpstream(byte[] clientBody, String upstreamModel, Function<String, List<String>> clientHeader);

    /** The usage of a whole answer, or null when it reports none (or cannot be read). */
    Usage usage(byte[] answer);

    /**
     * Whether an error answer may go to the client as the provider wrote it: the dialect's own error shape, not about
     * the gateway's own account (credentials, permissions, billing) and not echoing the provider key.
     */
    boolean relayableError(byte[] body);

    /** A fresh watcher for one relayed stream. */
    StreamWatcher newStreamWatcher();

    /** Reads a relayed stream's events (never changes them) for usage, its end and the provider's error event. */
    interface StreamWatcher {
        void onEvent(SseEvent event);

        /** Usage seen so far, or null until the provider reported any. */
        Usage usage();

        /** Whether the provider's end-of-answer event arrived. */
        boolean completed();

        /** The provider's own error event, already relayed to the client as it came; null if none. */
        GatewayException error();
    }
}
