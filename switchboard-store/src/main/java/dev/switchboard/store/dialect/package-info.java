/** What differs between SQLite and PostgreSQL: which backend a URL names, row locks, how each reports a bad row. */
package dev.switchboard.store.dialect;
