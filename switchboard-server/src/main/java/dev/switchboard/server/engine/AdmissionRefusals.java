package dev.switchboard.server.engine;

import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.limits.Admission;
import dev.switchboard.limits.LimitKind;
import dev.switchboard.limits.Refusal;
import dev.switchboard.limits.Scope;
import java.util.List;
import java.util.Locale;
import dev.switchboard.server.admission.ScopeIds;

/**
 * How a refused admission reads to the caller: a spent budget or a full window is a 429 (with retry-after when
 * waiting helps); a request whose input alone exceeds a limit can never be admitted, so it is a 400 saying so;
 * an unreachable counter store is a 503. Messages say whose limit it was, never an internal id.
 */
final class AdmissionRefusals {
    private AdmissionRefusals() {
    }

    /**
     * @param inputTokens the request's input as admission counted it
     * @param inputMicroUsd the dearest target's price of that input
     */
    static GatewayException of(Admission admission, List<Scope> scopes, long inputTokens, long inputMicroUsd) {
        Refusal refusal = admission.refusal().orElseThrow();
        String whose = ScopeIds.whose(refusal.scopeId());
        if (refusal.tooLarge()) {
            return tooLarge(refusal, whose, limitOf(scopes, refusal), inputTokens, inputMicroUsd);
        }
        String retryAfter = refusal.retryable() ? Long.toString(Math.max(1, refusal.retryAfterSeconds())) : null;
        return switch (refusal.kind()) {
            case BUDGET -> new GatewayException(ErrorKind.BUDGET_EXCEEDED, 429,
                    capitalised(whose) + " budget is spent"
                            + (retryAfter == null ? "." : "; it renews in " + retryAfter + " s."), null, retryAfter);
            case UNAVAILABLE -> new GatewayException(ErrorKind.LIMITS_UNAVAILABLE, 503,
                    "Limits cannot be checked right now (the counter store is unreachable); try again shortly.", null, "1");
            default -> new GatewayException(ErrorKind.RATE_LIMITED, 429, "Rate limit reached: " + whose + " limit of "
                    + describe(refusal.kind()) + (retryAfter == null ? "." : "; retry in " + retryAfter + " s."),
                    null, retryAfter);
        };
    }

    private static GatewayException tooLarge(Refusal refusal, String whose, long limit, long inputTokens, long inputMicroUsd) {
        String what = refusal.kind() == LimitKind.BUDGET
                ? "This request's input alone ($" + ModelCallHandler.usd(inputMicroUsd) + ") exceeds " + whose
                        + " budget" + (limit < 0 ? "" : " of $" + ModelCallHandler.usd(limit))
                : refusal.kind() == LimitKind.REQUESTS_PER_MINUTE
                        ? "This request exceeds " + whose + " limit of " + (limit < 0 ? "" : limit + " ")
                                + describe(refusal.kind())
                        : "This request's input alone (" + inputTokens + " tokens) exceeds " + whose + " limit of "
                                + (limit < 0 ? "" : limit + " ") + describe(refusal.kind());
        return new GatewayException(ErrorKind.REQUEST_EXCEEDS_LIMIT, 400,
                what + ", so it can never be admitted; send a smaller request.", null, null);
    }

    /** The refusing scope's limit of that kind (micro-USD for a budget), or -1 when not found. */
    private static long limitOf(List<Scope> scopes, Refusal refusal) {
        for (Scope s : scopes) {
            if (!s.id().equals(refusal.scopeId())) {
                continue;
            }
            Long v = switch (refusal.kind()) {
                case BUDGET -> s.budget() == null ? null : s.budget().microUsd();
                case REQUESTS_PER_MINUTE -> s.rateLimit() == null ? null : s.rateLimit().requestsPerMinute();
                case TOKENS_PER_MINUTE -> s.rateLimit() == null ? null : s.rateLimit().tokensPerMinute();
                case TOKENS_PER_DAY -> s.rateLimit() == null ? null : s.rateLimit().tokensPerDay();
                default -> null;
            };
            return v == null ? -1 : v;
        }
        return -1;
    }

    private static String capitalised(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    static String describe(LimitKind kind) {
        return switch (kind) {
            case REQUESTS_PER_MINUTE -> "requests per minute";
            case TOKENS_PER_MINUTE -> "tokens per minute";
            case TOKENS_PER_DAY -> "tokens per day";
            default -> kind.name().toLowerCase(Locale.ROOT);
        };
    }
}
