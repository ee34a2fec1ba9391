/**
 * The call engine: {@code ModelCallHandler} (decode, policy, plan, admission, writing a whole answer out),
 * {@code RoutedCall} (the retry/fallback loop over the route's targets), {@code AttemptRunner} (one attempt:
 * translate, sign, send, classify into an {@code AttemptOutcome}), the stages' glue, admission glue and outcome
 * recording. It starts the relays ({@code dev.switchboard.server.relay}) and works on the call's state
 * ({@code dev.switchboard.server.call}); neither knows it. Names no vendor and no lane: the wiring above it
 * ({@code dev.switchboard.server}) feeds it exchanges from either lane.
 */
package dev.switchboard.server.engine;
