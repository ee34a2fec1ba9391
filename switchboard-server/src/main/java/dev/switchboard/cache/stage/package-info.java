/**
 * The response cache as a stage ({@code type: cache}): exact answers by a canonical key, per tenant, in process
 * or in Redis, replayed whole or as a stream in the caller's dialect.
 */
package dev.switchboard.cache.stage;
