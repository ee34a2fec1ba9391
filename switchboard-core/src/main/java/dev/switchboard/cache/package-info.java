/**
 * The response cache's pure parts: the key of a request ({@link dev.switchboard.cache.CacheKey}), the stored form
 * of an answer ({@link dev.switchboard.cache.CachedAnswer}), a streamed answer assembled for storing
 * ({@link dev.switchboard.cache.StreamAssembler}) and what may be cached ({@link dev.switchboard.cache.CachePolicy}).
 * The stores (memory, Redis) live in the server, which owns the I/O.
 */
package dev.switchboard.cache;
