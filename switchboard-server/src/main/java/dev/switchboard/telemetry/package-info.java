/** Metrics (OpenTelemetry GenAI names, Prometheus exposition) and the access log. */
package dev.switchboard.telemetry;
