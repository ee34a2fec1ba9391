/**
 * The call engine: {@code ModelCallHandler} (decode, policy, plan, admission, writing a whole answer out),
 * {@code RoutedCall} (the retry/fallback loop over the route's targets), {@code AttemptRunner} (one attempt:
 * translate, sign, send, classify into an {@code AttemptOutcome}), the relays that read or stream an upstream answer
 * ({@code BodyRelay}, {@code SseRelay}, {@code NativeSseRelay}), the request's state ({@code Exchange},
 * {@code UpstreamCall} and its deadlines), admission glue and outcome recording. Names no vendor and no lane: the
 * wiring above it ({@code dev.switchboard.server}) feeds it exchanges from either lane.
 */
package dev.switchboard.server.engine;
