/**
 * Persistent state behind one facade: {@link dev.switchboard.store.Store} opens SQLite (embedded default) or
 * PostgreSQL (many instances), migrates the schema and hands out the repositories and usage ledgers. The rooms
 * below it: {@code repository} (what callers read and change), {@code repository.jdbc} (its SQL), {@code ledger}
 * (usage), {@code crypto} (credential encryption), {@code jdbc} (transactions, exceptions), {@code dialect}
 * (SQLite/PostgreSQL differences).
 */
package dev.switchboard.store;
