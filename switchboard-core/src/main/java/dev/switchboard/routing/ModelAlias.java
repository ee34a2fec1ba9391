package dev.switchboard.routing;

/** A public model name mapped to a {@code provider/model} target. */
public record ModelAlias(String name, String target) {}
