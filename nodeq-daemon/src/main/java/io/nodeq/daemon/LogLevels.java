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

    /**
     * Sets the Micrometer loggers to ERROR ({@code quiet}) or back to their configured level: the
     * {@code --jit-warmup}'s scratch daemon registers Vert.x meters that a real one would too.
     */
    static void quietMeters(boolean quiet) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
            ctx.getLogger("io.micrometer").setLevel(quiet ? Level.ERROR : null);
        }
    }
}
