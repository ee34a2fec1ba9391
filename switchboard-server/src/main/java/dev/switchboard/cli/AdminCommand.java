package dev.switchboard.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.json.Json;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Base of every admin subcommand: one API call, then a table or JSON; API errors print to stderr with exit 1. */
abstract class AdminCommand implements Callable<Integer> {
    @Mixin
    AdminOptions admin;

    @Spec
    CommandSpec spec;

    /** Calls the API and returns the JSON to print. */
    abstract JsonNode call(AdminClient client) throws AdminClient.AdminCallException;

    /** Prints the answer for humans. */
    abstract void print(JsonNode answer, PrintWriter out);

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try {
            JsonNode answer = call(admin.client());
            if (admin.json) {
                out.println(pretty(answer));
            } else {
                print(answer, out);
            }
            out.flush();
            return 0;
        } catch (AdminClient.AdminCallException e) {
            spec.commandLine().getErr().println("error: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return 1;
        }
    }

    static String pretty(JsonNode node) {
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            return node.toString();
        }
    }

    static String text(JsonNode n) {
        return n == null || n.isNull() || n.isMissingNode() ? "-" : n.isValueNode() ? n.asText() : n.toString();
    }

    static String path(String first, String id) {
        return first + "/" + java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8);
    }
}
