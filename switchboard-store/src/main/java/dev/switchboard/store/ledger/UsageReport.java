package dev.switchboard.store.ledger;

import java.util.List;

/** Usage over a time range: one row per group, largest cost first, and the totals. */
public record UsageReport(List<UsageRow> rows, UsageRow totals) {}
