package dev.switchboard.store.failure;

/** The addressed row does not exist (or is not in a state the operation accepts). */
public class NotFoundException extends StoreException {
    public NotFoundException(String message) {
        super(message);
    }
}
