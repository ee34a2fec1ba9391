/**
 * Typed stream events: what a provider's stream decoder emits and a client dialect's stream encoder writes, with
 * stages in between. No stream is framed as text and parsed back on its way through the gateway.
 */
package dev.switchboard.stream;
