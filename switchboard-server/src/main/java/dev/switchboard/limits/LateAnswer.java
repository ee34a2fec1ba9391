package dev.switchboard.limits;

import io.vertx.core.Future;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Redis did not answer a call within the call timeout, but the call was sent and may still run and count: its answer,
 * when it comes, is {@link #answer()}. All admissions of one timed-out batch share {@link #batch()}, so a batch counts
 * once toward "sustained timeouts".
 */
final class LateAnswer extends TimeoutException {
    private final transient Future<?> answer;
    private final transient Object batch;

    LateAnswer(String message, Future<?> answer, Object batch) {
        super(message);
        this.answer = answer;
        this.batch = batch;
    }

    @SuppressWarnings("unchecked")
    <T> Future<T> answer() {
        return (Future<T>) answer;
    }

    Object batch() {
        return batch;
    }

    /** The same timeout, whose late answer is mapped. */
    <T, R> LateAnswer map(Function<T, R> f) {
        Future<T> a = answer();
        return new LateAnswer(getMessage(), a.map(f), batch);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this; // a routine outcome under load, not a bug: no stack to capture
    }
}
