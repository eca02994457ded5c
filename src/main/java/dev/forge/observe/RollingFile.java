package dev.forge.observe;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Context;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.util.FileSize;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A log file that cannot fill the disk: rolled daily and whenever it passes {@link #MAX_FILE}, old files deleted after
 * {@code retention} days or once all of them pass {@link #TOTAL_CAP} ({@code NAME.log} rolls to
 * {@code NAME.YYYY-MM-DD.N.log}). Used by the audit log and, with {@code LOG_FILE}, the main log.
 */
public final class RollingFile {

    private static final FileSize MAX_FILE = FileSize.valueOf("100MB");
    private static final FileSize TOTAL_CAP = FileSize.valueOf("2GB");

    private RollingFile() {}

    public static RollingFileAppender<ILoggingEvent> appender(Context context, Path file, Duration retention,
                                                             Encoder<ILoggingEvent> encoder) {
        RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
        appender.setContext(context);
        appender.setFile(file.toString());
        SizeAndTimeBasedRollingPolicy<ILoggingEvent> policy = new SizeAndTimeBasedRollingPolicy<>();
        policy.setContext(context);
        policy.setParent(appender);
        String name = file.toString();
        String base = name.endsWith(".log") ? name.substring(0, name.length() - 4) : name;
        policy.setFileNamePattern(base + ".%d{yyyy-MM-dd}.%i.log");
        policy.setMaxFileSize(MAX_FILE);
        policy.setTotalSizeCap(TOTAL_CAP);
        policy.setMaxHistory((int) Math.max(1, retention.toDays()));
        policy.setCleanHistoryOnStart(true);
        policy.start();
        appender.setRollingPolicy(policy);
        appender.setEncoder(encoder);
        appender.start();
        return appender;
    }
}
