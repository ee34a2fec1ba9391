package dev.switchboard.admin;

/** A request the admin API refuses, with the HTTP status and error type to answer. Messages never hold secrets. */
final class AdminException extends RuntimeException {
    final int status;
    final String type;
    final String code;

    AdminException(int status, String type, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.code = code;
    }

    static AdminException badRequest(String message) {
        return new AdminException(400, "invalid_request_error", "invalid_request", message);
    }

    static AdminException notFound(String message) {
        return new AdminException(404, "not_found_error", "not_found", message);
    }

    static AdminException conflict(String message) {
        return new AdminException(409, "conflict_error", "conflict", message);
    }

    static AdminException unavailable(String message) {
        return new AdminException(503, "unavailable_error", "unavailable", message);
    }
}
