package dev.switchboard.model;

/** The model operations the gateway serves. */
public enum Operation {
    CHAT("chat/completions"),
    COMPLETIONS("completions"),
    EMBEDDINGS("embeddings");

    private final String path;

    Operation(String path) {
        this.path = path;
    }

    /** The path below an OpenAI-style base URL. */
    public String path() {
        return path;
    }
}
