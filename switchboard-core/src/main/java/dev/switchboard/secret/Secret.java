package dev.switchboard.secret;

/** A secret value from the config; never printed. */
public record Secret(String value) {
    @Override
    public String toString() {
        return "***";
    }
}
