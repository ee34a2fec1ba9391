/**
 * The condition language of routing rules: {@code when:} maps parsed from config into a tree of
 * {@link dev.switchboard.routing.condition.Condition}s and evaluated against the {@link
 * dev.switchboard.routing.condition.RequestFacts} of one request.
 */
package dev.switchboard.routing.condition;
