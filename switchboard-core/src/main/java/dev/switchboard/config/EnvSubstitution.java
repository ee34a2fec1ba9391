package dev.switchboard.config;

import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Expands {@code ${env:NAME}} and {@code ${env:NAME:-default}} inside config strings. */
final class EnvSubstitution {
    private static final Pattern REF = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    private final Function<String, String> env;

    EnvSubstitution(Function<String, String> env) {
        this.env = env;
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
