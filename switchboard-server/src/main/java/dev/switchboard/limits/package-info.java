/**
 * Rate limits and spend budgets: atomic multi-scope admission against local or Redis counters, a
 * degrading wrapper that falls back when Redis is away, and optional queueing for a free window.
 */
package dev.switchboard.limits;
