package dev.switchboard.routing;

import dev.switchboard.routing.condition.RequestFacts;

/** What keeps one caller on one arm of a weighted split: the caller's key, or the value of a request header. */
public record StickyBy(String header) {
    public static final StickyBy KEY = new StickyBy(null);

    /** The value to hash, or null when the request carries none (then the split is random). */
    public String value(RequestFacts facts) {
        return header == null ? facts.keyName() : facts.header(header);
    }

    public String configText() {
        return header == null ? "key" : "header:" + header;
    }
}
