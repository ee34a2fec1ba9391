package dev.switchboard.governance;

import java.util.List;

/** What authentication and network rules read from a request, whichever transport carried it. */
public interface CallerRequest {
    /** The first value of a header (case-insensitive), or null. */
    String header(String name);

    /** Every value of a header, in order; empty when absent. */
    List<String> headers(String name);

    /** The peer's IP address as text. */
    String remoteAddress();
}
