package dev.switchboard.store.failure;

/** A store operation failed; messages never carry secrets. */
public class StoreException extends RuntimeException {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
