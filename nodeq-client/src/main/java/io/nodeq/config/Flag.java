package io.nodeq.config;

import io.nodeq.protocol.GoDuration;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One row of a program's flag table: the name on the command line ({@code mem-queue-size}), the
 * key in a TOML config file ({@code mem_queue_size}, or another as nsqd has a few), the type, one
 * line of help and the default {@code --help} shows. {@code ignored} marks a flag of NSQ's that a
 * nodeq program accepts so that NSQ's command lines keep working, and warns about.
 */
public record Flag(String name, String configKey, Kind kind, String help, Object defaultValue, boolean ignored) {

    /** Value types. The list kinds are repeatable on the command line and arrays in a config file. */
    public enum Kind {
        STRING("string"), INT("int"), LONG("int"), FLOAT("float"), DURATION("duration"), BOOL("bool"), PATH("string"),
        STRINGS("string"), FLOATS("float");

        final String placeholder;

        Kind(String placeholder) {
            this.placeholder = placeholder;
        }

        public boolean repeatable() {
            return this == STRINGS || this == FLOATS;
        }
    }

    public static Flag of(String name, Kind kind, Object defaultValue, String help) {
        return new Flag(name, name.replace('-', '_'), kind, help, defaultValue, false);
    }

    /** An NSQ flag this program takes and ignores, with a warning. */
    public static Flag ignored(String name, Kind kind) {
        return new Flag(name, name.replace('-', '_'), kind, "(NSQ flag, not supported by nodeq: ignored)", null, true);
    }

    public Flag withConfigKey(String key) {
        return new Flag(name, key, kind, help, defaultValue, ignored);
    }

    public Flag withDefault(Object value) {
        return new Flag(name, configKey, kind, help, value, ignored);
    }

    /** The default as --help prints it; empty for none. */
    public String defaultText() {
        Object v = defaultValue;
        if (v == null) {
            return "";
        }
        if (v instanceof Duration d) {
            return GoDuration.format(d);
        }
        if (v instanceof List<?> list) {
            return list.isEmpty() ? "" : list.toString();
        }
        if (v instanceof String || v instanceof Path) {
            String s = v.toString();
            return s.isEmpty() ? "" : "\"" + s + "\"";
        }
        return String.valueOf(v);
    }

    /**
     * Every command-line value of this flag as its typed value: the last one for a single-valued
     * flag; all of them for a list (a float list also splits on commas, as nsqd does).
     */
    Object fromCommandLine(List<String> values) {
        return switch (kind) {
            case STRINGS -> new ArrayList<>(values);
            case FLOATS -> {
                List<Double> out = new ArrayList<>();
                for (String v : values) {
                    for (String part : v.split(",", -1)) {
                        out.add(parseDouble(part.trim()));
                    }
                }
                yield out;
            }
            default -> parse(values.get(values.size() - 1));
        };
    }

    /** One command-line string; the exception's message says what was expected. */
    private Object parse(String s) {
        return switch (kind) {
            case STRING -> s;
            case PATH -> Path.of(s);
            case INT -> (int) parseInteger(s, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case LONG -> parseInteger(s, Long.MIN_VALUE, Long.MAX_VALUE);
            case FLOAT -> parseDouble(s);
            case DURATION -> parseDuration(s);
            case BOOL -> parseBool(s);
            case STRINGS, FLOATS -> fromCommandLine(List.of(s));
        };
    }

    /** A config-file value (String, Number, Boolean or List, as TOML has them) as this flag's type. */
    Object fromConfig(Object v) {
        if (v instanceof List<?> list) {
            if (!kind.repeatable()) {
                throw new IllegalArgumentException("a list is not allowed here");
            }
            List<Object> out = new ArrayList<>();
            for (Object item : list) {
                out.add(kind == Kind.STRINGS ? String.valueOf(item) : toDouble(item));
            }
            return out;
        }
        return switch (kind) {
            case INT, LONG -> {
                long n;
                if (v instanceof Number num && num.doubleValue() == Math.rint(num.doubleValue())
                        && !(v instanceof Double d && Double.isInfinite(d))) {
                    n = num.longValue();
                } else if (v instanceof String s) {
                    n = parseInteger(s, Long.MIN_VALUE, Long.MAX_VALUE);
                } else {
                    throw new IllegalArgumentException("not an integer");
                }
                if (kind == Kind.INT && (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE)) {
                    throw new IllegalArgumentException("out of range");
                }
                yield kind == Kind.INT ? (Object) (int) n : (Object) n;
            }
            case FLOAT -> toDouble(v);
            // nsqd's config loader (go-options) reads a bare integer as milliseconds
            case DURATION -> v instanceof Number num && !(v instanceof Double) && !(v instanceof Float)
                    ? Duration.ofMillis(num.longValue()) : parseDuration(String.valueOf(v));
            case BOOL -> v instanceof Boolean b ? b : parseBool(String.valueOf(v));
            case STRING -> String.valueOf(v);
            case PATH -> Path.of(String.valueOf(v));
            case STRINGS -> new ArrayList<>(List.of(String.valueOf(v).split(",")));
            case FLOATS -> v instanceof String s ? fromCommandLine(List.of(s)) : new ArrayList<>(List.of(toDouble(v)));
        };
    }

    private static double toDouble(Object v) {
        return v instanceof Number n ? n.doubleValue() : parseDouble(String.valueOf(v));
    }

    private static long parseInteger(String s, long min, long max) {
        long n;
        try {
            n = Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an integer");
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException("out of range");
        }
        return n;
    }

    private static double parseDouble(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number");
        }
    }

    private static Duration parseDuration(String s) {
        try {
            return GoDuration.parse(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a duration (examples: 60s, 250ms, 1h30m)");
        }
    }

    /** Go's strconv.ParseBool. */
    private static boolean parseBool(String s) {
        return switch (s) {
            case "1", "t", "T", "true", "TRUE", "True" -> true;
            case "0", "f", "F", "false", "FALSE", "False" -> false;
            default -> throw new IllegalArgumentException("not a boolean (true or false)");
        };
    }
}
