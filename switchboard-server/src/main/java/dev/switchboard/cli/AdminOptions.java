package dev.switchboard.cli;

import picocli.CommandLine.Option;

/** How admin commands reach the API. Prefer the environment for the key so it stays out of shell history. */
final class AdminOptions {
    @Option(names = "--admin-url", defaultValue = "${env:SWITCHBOARD_ADMIN_URL:-http://127.0.0.1:8081}",
            description = "Admin API base URL (env SWITCHBOARD_ADMIN_URL; default ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--admin-key", defaultValue = "${env:SWITCHBOARD_ADMIN_KEY}",
            description = "Admin key (prefer env SWITCHBOARD_ADMIN_KEY).")
    String key;

    @Option(names = "--actor", defaultValue = "${env:SWITCHBOARD_ACTOR}",
            description = "Who you are, recorded in the audit log with the admin key (env SWITCHBOARD_ACTOR).")
    String actor;

    @Option(names = "--json", description = "Print the API's JSON instead of a table.")
    boolean json;

    AdminClient client() {
        return new AdminClient(url, key, actor);
    }
}
