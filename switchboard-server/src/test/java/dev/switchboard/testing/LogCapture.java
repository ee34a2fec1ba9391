package dev.switchboard.testing;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Captures everything the gateway logs (root logger, with the gateway's own loggers and the access log turned up to
 * DEBUG/INFO) so a test can assert that no secret appears in it. Restores the levels on close.
 */
public final class LogCapture implements AutoCloseable {
    private static final List<String> VERBOSE = List.of("dev.switchboard", "switchboard.access", "com.zaxxer.hikari",
            "org.flywaydb");

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final List<Level> previous = new ArrayList<>();
    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();

    private LogCapture() {
        appender.setContext(context);
        appender.setName("test-capture");
        appender.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
        for (String name : VERBOSE) {
            Logger logger = context.getLogger(name);
            previous.add(logger.getLevel());
            logger.setLevel(name.startsWith("dev.") ? Level.DEBUG : Level.INFO);
        }
    }

    public static LogCapture start() {
        return new LogCapture();
    }

    /** Every captured line: formatted message, logger and any stack trace with all its causes' messages. */
    public synchronized String text() {
        StringBuilder sb = new StringBuilder();
        for (ILoggingEvent e : List.copyOf(appender.list)) {
            sb.append(e.getLevel()).append(' ').append(e.getLoggerName()).append(" - ").append(e.getFormattedMessage())
                    .append('\n');
            if (e.getThrowableProxy() != null) {
                sb.append(ThrowableProxyUtil.asString(e.getThrowableProxy())).append('\n');
            }
        }
        return sb.toString();
    }

    public int lines() {
        return appender.list.size();
    }

    /** Fails naming the secret's position only (the assertion message itself must not print the secret). */
    public void assertContainsNone(Collection<String> secrets) {
        String text = text();
        int i = 0;
        for (String secret : secrets) {
            assertThat(text.contains(secret)).as("secret #%d appears in the gateway's log", i++).isFalse();
        }
    }

    @Override
    public void close() {
        context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(appender);
        appender.stop();
        for (int i = 0; i < VERBOSE.size(); i++) {
            context.getLogger(VERBOSE.get(i)).setLevel(previous.get(i));
        }
    }
}
