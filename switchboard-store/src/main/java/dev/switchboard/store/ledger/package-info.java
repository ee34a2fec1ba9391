/**
 * Usage: the ledger that takes events from the event loop without blocking, writes them in batches, spills them
 * to a journal while the database is away and quarantines rows it refuses; and the aggregate reports.
 */
package dev.switchboard.store.ledger;
