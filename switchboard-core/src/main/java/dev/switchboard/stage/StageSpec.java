package dev.switchboard.stage;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One stage as the config names it: its type, its name (the type unless given), its own settings (an object, maybe
 * empty) and where it is in the config (for error messages).
 */
public record StageSpec(String type, String name, JsonNode settings, String path) {}
