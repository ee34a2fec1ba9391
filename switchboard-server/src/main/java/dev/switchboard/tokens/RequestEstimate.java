package dev.switchboard.tokens;

/**
 * What a request body says about its size: estimated input tokens and the output cap it asked for
 * ({@code maxOutputTokens} is -1 when the body sets none; the caller then picks the model's default).
 */
public record RequestEstimate(long inputTokens, long maxOutputTokens) {
    public boolean hasMaxOutput() {
        return maxOutputTokens >= 0;
    }

    /** Input plus the output cap, or plus {@code defaultMaxOutput} when the body set none. */
    public long totalWith(long defaultMaxOutput) {
        return inputTokens + (hasMaxOutput() ? maxOutputTokens : defaultMaxOutput);
    }
}
