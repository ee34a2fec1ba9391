package dev.switchboard.store.repository;

/** A freshly created key with its secret, which is shown to the caller once and never stored. */
public record CreatedKey(KeyRecord record, String secret) {
    @Override
    public String toString() {
        return "CreatedKey[record=" + record + ", secret=***]";
    }
}
