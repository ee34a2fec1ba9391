package dev.switchboard.config;

import java.util.List;

/** A config file that cannot be used; every problem names its path (e.g. {@code providers[1].type}). */
public final class ConfigException extends RuntimeException {
    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
