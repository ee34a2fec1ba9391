/** Persistent state behind one interface: SQLite (embedded default) or PostgreSQL (many instances). */
package dev.switchboard.store;
