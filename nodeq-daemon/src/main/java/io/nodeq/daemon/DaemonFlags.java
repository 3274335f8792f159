package io.nodeq.daemon;

import io.nodeq.protocol.GoDuration;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * nsqd's command line, turned into {@link DaemonOptions}: {@code --flag=value}, {@code --flag value}
 * and Go's single-dash {@code -flag} forms; bool flags take no separate value ({@code --snappy},
 * {@code --snappy=false}); list flags repeat ({@code --lookupd-tcp-address} twice,
 * {@code --e2e-processing-latency-percentile 0.99,0.5}); {@code --config FILE} reads an nsqd TOML
 * config file whose values the command line overrides. Problems come back as one line each and
 * exit code 2; nothing here prints or exits, so tests can drive it in-process.
 */
public final class DaemonFlags {
    public static final String PROGRAM = "nodeq-daemon";

    /** What to do after parsing. */
    public sealed interface Outcome permits Run, Exit {
    }

    /** Start a daemon with these options; {@code warnings} go to stderr first. */
    public record Run(DaemonOptions options, List<String> warnings) implements Outcome {
    }

    /** Print {@code stdout} / {@code stderr} (either may be empty) and exit with {@code code}. */
    public record Exit(int code, String stdout, String stderr) implements Outcome {
    }

    /** Bad command line, config file or option value: one line, exit code 2. */
    static final class UsageError extends Exception {
        UsageError(String message) {
            super(message, null, false, false);
        }
    }

    private DaemonFlags() {
    }

    public static Outcome parse(String... args) {
        try {
            return parseOrThrow(args);
        } catch (UsageError e) {
            return new Exit(2, "", PROGRAM + ": " + e.getMessage() + "\n");
        }
    }

    private static Outcome parseOrThrow(String[] args) throws UsageError {
        Map<FlagSpec, List<String>> given = new LinkedHashMap<>();
        String config = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--")) {
                if (i + 1 < args.length) {
                    throw new UsageError("unexpected argument " + quote(args[i + 1]));
                }
                break;
            }
            if (!arg.startsWith("-") || arg.equals("-") || arg.startsWith("---")) {
                throw new UsageError("unexpected argument " + quote(arg) + " (see --help)");
            }
            String body = arg.substring(arg.startsWith("--") ? 2 : 1);
            int eq = body.indexOf('=');
            String name = eq < 0 ? body : body.substring(0, eq);
            String inline = eq < 0 ? null : body.substring(eq + 1);
            switch (name) {
                case "help", "h" -> {
                    return new Exit(0, usage(), "");
                }
                case "version" -> {
                    return new Exit(0, version() + "\n", "");
                }
                default -> {
                }
            }
            if (name.equals("config")) {
                if (inline == null) {
                    if (i + 1 >= args.length) {
                        throw new UsageError("flag needs a value: --config");
                    }
                    inline = args[++i];
                }
                config = inline;
                continue;
            }
            FlagSpec spec = FlagSpec.byName(name);
            if (spec == null) {
                throw new UsageError("unknown flag --" + name + " (see --help)");
            }
            String value = inline;
            if (value == null) {
                if (spec.kind() == FlagSpec.Kind.BOOL) {
                    value = "true";
                } else if (i + 1 >= args.length) {
                    throw new UsageError("flag needs a value: --" + name);
                } else {
                    value = args[++i];
                }
            }
            given.computeIfAbsent(spec, s -> new ArrayList<>()).add(value);
        }

        DaemonOptions.Builder builder = DaemonOptions.builder();
        List<String> warnings = new ArrayList<>();
        if (config != null) {
            applyConfig(builder, Path.of(config), given, warnings);
        }
        for (Map.Entry<FlagSpec, List<String>> e : given.entrySet()) {
            FlagSpec spec = e.getKey();
            Object value = fromFlag(spec, e.getValue());
            if (!spec.supported()) {
                warnings.add(PROGRAM + ": flag --" + spec.name() + " is not supported by nodeq; ignored");
                continue;
            }
            spec.setter().accept(builder, value);
        }
        DaemonOptions options = builder.build();
        List<String> problems = options.validate();
        if (!problems.isEmpty()) {
            StringBuilder b = new StringBuilder();
            problems.forEach(p -> b.append(PROGRAM).append(": ").append(p).append('\n'));
            return new Exit(2, "", b.toString());
        }
        return new Run(options, warnings);
    }

    private static void applyConfig(DaemonOptions.Builder builder, Path path, Map<FlagSpec, List<String>> given,
                                    List<String> warnings) throws UsageError {
        Map<String, Object> values;
        try {
            values = ConfigFile.read(path);
        } catch (NoSuchFileException e) {
            throw new UsageError("config file " + path + ": no such file");
        } catch (IOException e) {
            throw new UsageError("config file " + path + ": " + e.getMessage());
        } catch (ConfigFile.ConfigException e) {
            throw new UsageError("config file " + path + " " + e.getMessage());
        }
        for (Map.Entry<String, Object> e : values.entrySet()) {
            FlagSpec spec = FlagSpec.byConfigKey(e.getKey());
            if (spec == null) {
                throw new UsageError("config file " + path + ": unknown option " + e.getKey());
            }
            if (given.containsKey(spec)) {
                continue; // the command line wins
            }
            Object value;
            try {
                value = coerce(spec.kind(), e.getValue());
            } catch (IllegalArgumentException bad) {
                throw new UsageError("invalid value " + quote(render(e.getValue())) + " for " + e.getKey()
                        + " in config file " + path + ": " + bad.getMessage());
            }
            if (!spec.supported()) {
                warnings.add(PROGRAM + ": config option " + e.getKey() + " is not supported by nodeq; ignored");
                continue;
            }
            spec.setter().accept(builder, value);
        }
    }

    /** All command-line values of one flag, as the typed value its setter takes. */
    private static Object fromFlag(FlagSpec spec, List<String> values) throws UsageError {
        try {
            switch (spec.kind()) {
                case STRING_LIST -> {
                    return new ArrayList<>(values);
                }
                case FLOAT_LIST -> {
                    List<Double> out = new ArrayList<>();
                    for (String v : values) {
                        for (String part : v.split(",", -1)) {
                            out.add(parseDouble(part.trim()));
                        }
                    }
                    return out;
                }
                default -> {
                    return parseScalar(spec.kind(), values.get(values.size() - 1));
                }
            }
        } catch (IllegalArgumentException e) {
            String shown = spec.kind().repeatable() ? String.join(",", values) : values.get(values.size() - 1);
            throw new UsageError("invalid value " + quote(shown) + " for flag --" + spec.name() + ": " + e.getMessage());
        }
    }

    /** Parses one command-line string; the message of the exception says what was expected. */
    static Object parseScalar(FlagSpec.Kind kind, String s) {
        return switch (kind) {
            case STRING -> s;
            case PATH -> Path.of(s);
            case INT -> (int) parseInteger(s, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case LONG -> parseInteger(s, Long.MIN_VALUE, Long.MAX_VALUE);
            case DURATION -> parseDuration(s);
            case BOOL -> parseBool(s);
            case STRING_LIST -> new ArrayList<>(List.of(s));
            case FLOAT_LIST -> new ArrayList<>(List.of(parseDouble(s)));
        };
    }

    /** A config-file value (String, Long, Double, Boolean, List) as the option's type. */
    static Object coerce(FlagSpec.Kind kind, Object v) {
        if (v instanceof List<?> list) {
            if (!kind.repeatable()) {
                throw new IllegalArgumentException("a list is not allowed here");
            }
            List<Object> out = new ArrayList<>();
            for (Object item : list) {
                out.add(kind == FlagSpec.Kind.STRING_LIST ? String.valueOf(item) : coerceDouble(item));
            }
            return out;
        }
        return switch (kind) {
            case INT, LONG -> {
                long n;
                if (v instanceof Long l) {
                    n = l;
                } else if (v instanceof Double d && d == Math.rint(d)) {
                    n = d.longValue();
                } else if (v instanceof String s) {
                    n = parseInteger(s, Long.MIN_VALUE, Long.MAX_VALUE);
                } else {
                    throw new IllegalArgumentException("not an integer");
                }
                if (kind == FlagSpec.Kind.INT && (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE)) {
                    throw new IllegalArgumentException("out of range");
                }
                yield kind == FlagSpec.Kind.INT ? (Object) (int) n : (Object) n;
            }
            // nsqd's config loader (go-options) reads a bare number as milliseconds
            case DURATION -> v instanceof Long ms ? Duration.ofMillis(ms) : parseDuration(String.valueOf(v));
            case BOOL -> v instanceof Boolean b ? b : parseBool(String.valueOf(v));
            case STRING -> String.valueOf(v);
            case PATH -> Path.of(String.valueOf(v));
            case STRING_LIST -> new ArrayList<>(List.of(String.valueOf(v).split(",")));
            case FLOAT_LIST -> {
                List<Double> out = new ArrayList<>();
                if (v instanceof String s) {
                    for (String part : s.split(",")) {
                        out.add(parseDouble(part.trim()));
                    }
                } else {
                    out.add(coerceDouble(v));
                }
                yield out;
            }
        };
    }

    private static double coerceDouble(Object v) {
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        return parseDouble(String.valueOf(v));
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

    public static String version() {
        return PROGRAM + " v" + DaemonOptions.VERSION + " (nsqd-compatible, built w/java" + Runtime.version() + ")";
    }

    /** Every flag with its type, one-line description and default. */
    public static String usage() {
        DaemonOptions defaults = DaemonOptions.builder().build();
        StringBuilder b = new StringBuilder();
        b.append("Usage: ").append(PROGRAM).append(" [flags]\n\n");
        b.append("Flags take nsqd's names; --flag=value, --flag value and -flag value all work.\n\n");
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"--config <file>", "path to a config file (TOML, keys = flag names with - as _)", ""});
        for (FlagSpec spec : FlagSpec.all()) {
            String left = "--" + spec.name() + (spec.kind() == FlagSpec.Kind.BOOL ? "[=bool]" : " <" + spec.kind().placeholder + ">");
            rows.add(new String[] {left, spec.help(), spec.defaultText(defaults)});
        }
        rows.add(new String[] {"--help", "print this help and exit", ""});
        rows.add(new String[] {"--version", "print the version and exit", ""});
        int width = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0);
        for (String[] r : rows) {
            b.append("  ").append(String.format(Locale.ROOT, "%-" + width + "s", r[0])).append("  ").append(r[1]);
            if (!r[2].isEmpty()) {
                b.append(" (default ").append(r[2]).append(')');
            }
            b.append('\n');
        }
        return b.toString();
    }

    private static String render(Object v) {
        return String.valueOf(v);
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
