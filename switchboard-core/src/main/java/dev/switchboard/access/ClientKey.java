package dev.switchboard.access;

/** A caller's key as the gateway knows it: a name for logs and usage, and the models it may use. Never the key. */
public record ClientKey(String name, ModelPolicy models) {}
