package dev.switchboard.config;

/** A public model name mapped to a {@code provider/model} target. */
public record ModelAlias(String name, String target) {}
