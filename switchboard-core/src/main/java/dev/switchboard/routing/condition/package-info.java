/**
 * The condition language of routing rules: {@code when:} maps parsed from config by {@link
 * dev.switchboard.routing.condition.ConditionParser} into a tree of {@link dev.switchboard.routing.condition.Condition}s,
 * evaluated against the {@link dev.switchboard.routing.condition.RequestFacts} of one request.
 * <p>
 * Fields: {@code header.<name>} (name case-insensitive), {@code metadata.<key>} (the x-ai-route-metadata header),
 * {@code key.name}, {@code key.team}, {@code key.metadata.<key>}, {@code request.model}, {@code request.stream},
 * {@code request.tools}, {@code request.images}, {@code request.input_tokens}.
 * <p>
 * Operators: {@code ==} (a bare scalar), {@code !=}, {@code in}, {@code not in} (or {@code not_in}), {@code regex},
 * {@code <}, {@code >}, {@code <=}, {@code >=}; several in one map must all hold (a range). Combinators {@code all}
 * and {@code any} take non-empty lists, {@code not} one condition; several entries in one map must all hold.
 * <ul>
 * <li>Text equality is exact and textual: {@code metadata.n: 3} matches "3", not "3.0".</li>
 * <li>{@code regex} is a Java regex that must match the whole value ({@code matches()}, not {@code find()}):
 *     {@code prod} does not match "prod-eu"; write {@code prod.*}.</li>
 * <li>{@code <, >, <=, >=} compare numbers; text values are parsed, and one that is not a number never matches.</li>
 * <li>Boolean fields take true/false, or the strings "true"/"false".</li>
 * <li>A missing value matches only {@code !=} and {@code not in}; {@code field: null} holds when the field is
 *     absent, {@code field: {"!=": null}} when it is present.</li>
 * </ul>
 */
package dev.switchboard.routing.condition;
