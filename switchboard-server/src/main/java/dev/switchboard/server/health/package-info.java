/** Provider health: the periodic checker, one probe, the report behind /health/providers, and the check command. */
package dev.switchboard.server.health;
