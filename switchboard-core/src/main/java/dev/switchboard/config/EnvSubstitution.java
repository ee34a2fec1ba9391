package dev.switchboard.config;

import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Expands {@code ${env:NAME}} and {@code ${env:NAME:-default}} inside config strings. */
final class EnvSubstitution {
    private static final Pattern REF = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    /** Last path segments that hold secrets: a default written in the file for one of these is public. */
    private static final java.util.Set<String> SECRET_FIELDS = java.util.Set.of("key", "api_key", "password",
            "hmac_secret", "secret_access_key", "session_token");

    private final Function<String, String> env;
    private final java.util.List<String> defaultedSecrets = new java.util.ArrayList<>();

    EnvSubstitution(Function<String, String> env) {
        this.env = env;
    }

    /** Secrets that fell back to their {@code :-default} (paths and variable names only, never values). */
    java.util.List<String> defaultedSecrets() {
        return java.util.List.copyOf(defaultedSecrets);
    }

    /** The expanded text; a missing variable without default is reported through {@code problems}. */
    String expand(String text, String path, Problems problems) {
        if (text.indexOf("${") < 0) {
            return text;
        }
        Matcher m = REF.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = env.apply(m.group(1));
            if (value == null || value.isEmpty()) {
                value = m.group(2);
                if (value != null && !value.isEmpty() && SECRET_FIELDS.contains(path.substring(path.lastIndexOf('.') + 1))) {
                    defaultedSecrets.add(path + ": " + m.group(1) + " is not set, so the default written in the config "
                            + "file is used for a secret; set " + m.group(1));
                }
            }
            if (value == null) {
                problems.add(path, "environment variable " + m.group(1) + " is not set");
                value = "";
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        String result = out.toString();
        if (result.contains("${")) {
            problems.add(path, "malformed reference; write ${env:NAME} or ${env:NAME:-default}");
        }
        return result;
    }
}
