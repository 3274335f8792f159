package io.nodeq.daemon;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

/** NSQ's log levels (debug, info, warn, error, fatal) applied to the nodeq loggers. */
public final class LogLevels {
    private LogLevels() {
    }

    public static void apply(String level) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
            return;
        }
        Level l = switch (level.toLowerCase(java.util.Locale.ROOT)) {
            case "debug" -> Level.DEBUG;
            case "warn" -> Level.WARN;
            case "error", "fatal" -> Level.ERROR;
            default -> Level.INFO;
        };
        ctx.getLogger("io.nodeq").setLevel(l);
    }
}
