package io.nodeq.examples.bench;

import io.nodeq.protocol.GoDuration;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Command-line flags the way Go's {@code flag} package reads them, so NSQ's bench invocations work
 * unchanged: {@code -name value}, {@code --name value}, {@code --name=value}; durations as Go
 * durations ({@code 10s}, {@code 1m30s}, {@code 500ms}). Immutable after {@link #parse}.
 */
final class BenchFlags {
    private static final DateTimeFormatter DEADLINE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final Map<String, String> values;

    private BenchFlags(Map<String, String> values) {
        this.values = values;
    }

    /** Parses {@code args}; every flag must be in {@code known}. {@code -h}/{@code --help} yields {@code help()}. */
    static BenchFlags parse(String[] args, Set<String> known) throws UsageException {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("-") || arg.equals("-") || arg.equals("--")) {
                throw new UsageException("unexpected argument \"" + arg + "\"");
            }
            String name = arg.substring(arg.startsWith("--") ? 2 : 1);
            if (name.equals("h") || name.equals("help")) {
                values.put("help", "true");
                continue;
            }
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new UsageException("flag needs an argument: -" + name);
            }
            if (!known.contains(name)) {
                throw new UsageException("flag provided but not defined: -" + name);
            }
            values.put(name, value);
        }
        return new BenchFlags(values);
    }

    boolean help() {
        return values.containsKey("help");
    }

    String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    int integer(String name, int fallback) throws UsageException {
        long v = longValue(name, fallback);
        if (v != (int) v) {
            throw new UsageException("invalid value \"" + v + "\" for flag -" + name + ": out of range");
        }
        return (int) v;
    }

    long longValue(String name, long fallback) throws UsageException {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new UsageException("invalid value \"" + v + "\" for flag -" + name + ": not an integer");
        }
    }

    Duration duration(String name, Duration fallback) throws UsageException {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            Duration d = GoDuration.parse(v);
            if (d.isNegative()) {
                throw new IllegalArgumentException("negative");
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw new UsageException("invalid value \"" + v + "\" for flag -" + name + ": not a duration such as 10s or 1m30s");
        }
    }

    /** NSQ's {@code --deadline}: "2006-01-02 15:04:05", read as UTC like Go's time.Parse; null when absent or empty. */
    Instant deadline(String name) throws UsageException {
        String v = values.get(name);
        if (v == null || v.isEmpty()) {
            return null;
        }
        try {
            return LocalDateTime.parse(v, DEADLINE).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new UsageException("invalid value \"" + v + "\" for flag -" + name + ": want \"YYYY-MM-DD hh:mm:ss\" (UTC)");
        }
    }
}
