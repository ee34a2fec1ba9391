/**
 * The state of one call: {@code Exchange} (the request's typed state as it moves through the gateway),
 * {@code UpstreamCall} (one attempt's connection and deadlines), {@code DeadlineSweeper} (the event loop's deadline
 * tick), the client-side outcome names ({@code ClientOutcomes}) and {@code Guard}. Depends on no other room of the
 * call path; the engine, the relays and the wiring all use it.
 */
package dev.switchboard.server.call;
