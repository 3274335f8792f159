package io.nodeq.lookup;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import org.slf4j.LoggerFactory;

/** Configures logback for the command line: nsqlookupd's prefix and levels, Hazelcast quiet. */
final class LogSetup {
    private LogSetup() {
    }

    static void configure(String level, String prefix) {
        LoggerContext lc = (LoggerContext) LoggerFactory.getILoggerFactory();
        lc.reset();
        PatternLayoutEncoder enc = new PatternLayoutEncoder();
        enc.setContext(lc);
        enc.setPattern(escape(prefix) + "%d{yyyy/MM/dd HH:mm:ss.SSS} %level: %msg%n");
        enc.start();
        ConsoleAppender<ILoggingEvent> out = new ConsoleAppender<>();
        out.setContext(lc);
        out.setName("stderr");
        out.setTarget("System.err");
        out.setEncoder(enc);
        out.start();
        Logger root = lc.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(out);
        root.setLevel(switch (level) {
            case "debug" -> Level.DEBUG;
            case "warn" -> Level.WARN;
            case "error", "fatal" -> Level.ERROR;
            default -> Level.INFO;
        });
        lc.getLogger("com.hazelcast").setLevel(Level.WARN);
        lc.getLogger("io.netty").setLevel(Level.WARN);
    }

    /** Characters logback's pattern language would interpret. */
    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("(", "\\(").replace(")", "\\)");
    }
}
