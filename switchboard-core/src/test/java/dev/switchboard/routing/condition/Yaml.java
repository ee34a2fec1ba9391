package dev.switchboard.routing.condition;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Reads condition snippets the way the config loader reads YAML. */
final class Yaml {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private Yaml() {}

    static JsonNode read(String yaml) {
        try {
            return YAML.readTree(yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
