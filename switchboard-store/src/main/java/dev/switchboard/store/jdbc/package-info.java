/** Blocking JDBC transactions on worker threads (their failures are in {@code store.failure}). */
package dev.switchboard.store.jdbc;
