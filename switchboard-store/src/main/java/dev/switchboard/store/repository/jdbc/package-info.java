/**
 * The repositories on JDBC, reached only through {@link dev.switchboard.store.repository.jdbc.JdbcRepositories}.
 * Every administrative change writes its audit row and bumps the store revision in its own transaction.
 */
package dev.switchboard.store.repository.jdbc;
