/**
 * What callers of the store read and change (teams, client keys, upstream credentials, access requests, the audit
 * log): the repository interfaces and the records they take and return. No SQL here; see {@code repository.jdbc}.
 */
package dev.switchboard.store.repository;
