package dev.switchboard.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a secret from a file, an environment variable or standard input; never from the command line. */
final class SecretInput {
    private SecretInput() {}

    static String read(Path file, String envVar, String what) throws AdminClient.AdminCallException {
        if (file != null) {
            try {
                return nonEmpty(Files.readString(file, StandardCharsets.UTF_8), what);
            } catch (IOException e) {
                throw new AdminClient.AdminCallException("cannot read " + what + " from " + file + ": " + e.getClass().getSimpleName());
            }
        }
        if (envVar != null) {
            return nonEmpty(System.getenv(envVar), what + " (env " + envVar + ")");
        }
        if (System.console() != null) {
            char[] typed = System.console().readPassword("%s: ", what);
            return nonEmpty(typed == null ? null : new String(typed), what);
        }
        try {
            return nonEmpty(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine(), what);
        } catch (IOException e) {
            throw new AdminClient.AdminCallException("cannot read " + what + " from standard input");
        }
    }

    private static String nonEmpty(String value, String what) throws AdminClient.AdminCallException {
        if (value == null || value.isBlank()) {
            throw new AdminClient.AdminCallException(what + " is empty");
        }
        return value.strip();
    }
}
