/**
 * Rate limits and spend budgets: atomic multi-scope admission against local or Redis counters, a
 * degrading wrapper that falls back when Redis is away, and optional queueing for room (woken by refunds and
 * releases through a {@link dev.switchboard.limits.RoomSignal}, or when old buckets drop).
 */
package dev.switchboard.limits;
