/** Blocking JDBC transactions on worker threads, and the exceptions every store operation throws. */
package dev.switchboard.store.jdbc;
