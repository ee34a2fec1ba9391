/**
 * The admin HTTP API ({@link dev.switchboard.admin.AdminServer}) on its own port: teams, client keys, upstream
 * credentials, model access approvals, audit trail and usage reports over the persistent store. Admin keys are
 * configured as SHA-256 hex ({@link dev.switchboard.admin.AdminSettings}); secrets never appear in answers (except
 * a new key's secret, once) or logs.
 */
package dev.switchboard.admin;
