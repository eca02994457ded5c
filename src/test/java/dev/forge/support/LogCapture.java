package dev.forge.support;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * Collects what is logged while a test runs, safe to read while the gateway's threads still log (logback's own
 * list appender is a plain list: reading it then throws).
 */
public final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {

    private final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();

    /** Starts capturing everything logged from now on, until {@link #close}. */
    public static LogCapture capture() {
        LogCapture capture = new LogCapture();
        capture.start0();
        return capture;
    }

    private void start0() {
        start();
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(this);
    }

    @Override
    protected void append(ILoggingEvent event) {
        events.add(event);
    }

    public List<ILoggingEvent> events() {
        return events;
    }

    /** The formatted messages that contain {@code fragment}. */
    public List<String> messages(String fragment) {
        return events.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains(fragment)).toList();
    }

    /** Every message so far, one a line. */
    public String text() {
        return String.join("\n", events.stream().map(ILoggingEvent::getFormattedMessage).toList());
    }

    @Override
    public void close() {
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(this);
        stop();
    }
}
