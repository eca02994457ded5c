package dev.forge.observe;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** Configures logging at start: one line per event to stderr (or LOG_FILE), JSON in production, level from LOG_LEVEL. */
public final class LogSetup {

    private LogSetup() {}

    public static void configure(String level, boolean json) {
        configure(level, json, null, null);
    }

    /** As {@link #configure(String, boolean)}, into {@code file} (rolled, {@code retention} kept) when it is not null. */
    public static void configure(String level, boolean json, Path file, Duration retention) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        LevelChangePropagator levels = new LevelChangePropagator(); // JUL drops what the level excludes, cheaply
        levels.setContext(context);
        levels.setResetJUL(true);
        context.addListener(levels);
        levels.start();
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
        Encoder<ILoggingEvent> encoder;
        if (json) {
            LayoutWrappingEncoder<ILoggingEvent> wrapping = new LayoutWrappingEncoder<>();
            JsonLineLayout layout = new JsonLineLayout();
            layout.setContext(context);
            layout.start();
            wrapping.setLayout(layout);
            encoder = wrapping;
        } else {
            PatternLayoutEncoder pattern = new PatternLayoutEncoder();
            // a traced request's lines end with its trace id; others are as they were
            pattern.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{24} - %msg%replace( trace=%X{trace_id}){' trace=$', ''}%n%ex{short}");
            encoder = pattern;
        }
        encoder.setContext(context);
        encoder.start();
        Appender<ILoggingEvent> appender;
        if (file != null) {
            appender = RollingFile.appender(context, file, retention, encoder);
        } else {
            ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
            console.setContext(context);
            console.setTarget("System.err");
            console.setEncoder(encoder);
            console.start();
            appender = console;
        }
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);
        root.setLevel(Level.toLevel(level, Level.INFO));
        // Lucene suggests its incubating vector module at each start; the tool index's vector search does without it
        context.getLogger("org.apache.lucene.internal.vectorization").setLevel(Level.ERROR);
        // the embedding model's libraries look for a GPU there is none of, and say so at warning level
        context.getLogger("ai.djl").setLevel(Level.ERROR);
        // Jetty's own chatter below warn is rarely what an operator wants unless debugging Forge itself
        if (!"debug".equals(level) && !"trace".equals(level)) {
            context.getLogger("org.eclipse.jetty").setLevel(Level.WARN);
            context.getLogger("io.javalin").setLevel(Level.WARN);
        }
    }
}
