package dev.switchboard.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The policy options shared by teams and keys; only the options given are sent (PATCH keeps the rest). */
final class PolicyOptions {
    @Option(names = "--model", description = "An allowed model (repeat; none means all models).")
    List<String> models;

    @Option(names = "--meta", description = "Metadata entry key=value (repeat).")
    Map<String, String> metadata;

    @Option(names = "--rpm", description = "Requests per minute.")
    Long requestsPerMinute;

    @Option(names = "--tpm", description = "Tokens per minute.")
    Long tokensPerMinute;

    @Option(names = "--tpd", description = "Tokens per day.")
    Long tokensPerDay;

    @Option(names = "--budget-usd", description = "Spending cap in USD.")
    BigDecimal budgetUsd;

    @Option(names = "--budget-period", description = "day, month or total (default month).")
    String budgetPeriod;

    void writeTo(ObjectNode body) {
        if (models != null) {
            models.forEach(body.withArray("allowed_models")::add);
        }
        if (metadata != null) {
            ObjectNode m = body.putObject("metadata");
            metadata.forEach(m::put);
        }
        if (requestsPerMinute != null || tokensPerMinute != null || tokensPerDay != null) {
            ObjectNode l = body.putObject("limits");
            l.put("requests_per_minute", requestsPerMinute);
            l.put("tokens_per_minute", tokensPerMinute);
            l.put("tokens_per_day", tokensPerDay);
        }
        if (budgetUsd != null) {
            ObjectNode b = body.putObject("budget");
            b.put("usd", budgetUsd);
            if (budgetPeriod != null) {
                b.put("period", budgetPeriod);
            }
        }
    }
}
