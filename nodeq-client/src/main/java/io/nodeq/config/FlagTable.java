package io.nodeq.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A program's flags as one table, and the one parser every nodeq program uses: NSQ's flag names in
 * Go's forms ({@code --flag=v}, {@code --flag v}, {@code -flag v}; a bool flag alone means true),
 * repeatable list flags, {@code --config FILE} (TOML, keys are the flag names with {@code _}; the
 * command line wins), {@code --help} printed from the table and {@code --version}. A problem is one
 * line on stderr and exit code 2. Nothing here prints or exits, so tests drive it in-process.
 * Immutable once built; adding a flag is one {@link #add} row.
 */
public final class FlagTable {
    private static final TomlMapper TOML = new TomlMapper();

    /** What to do after parsing. */
    public sealed interface Outcome<R> permits Run, Exit {
    }

    /** Go ahead with {@code value}; print {@code warnings} (one line each) to stderr first. */
    public record Run<R>(R value, List<String> warnings) implements Outcome<R> {
    }

    /** Print {@code stdout} / {@code stderr} (either may be empty) and exit with {@code code}. */
    public record Exit<R>(int code, String stdout, String stderr) implements Outcome<R> {
    }

    private final String program;
    private final String description;
    private final Map<String, Flag> byName = new LinkedHashMap<>();
    private final Map<String, Flag> byConfigKey = new LinkedHashMap<>();
    private boolean configFile;
    private Supplier<String> version;

    /** {@code program} starts every error line; {@code description} goes under the usage line of --help. */
    public FlagTable(String program, String description) {
        this.program = program;
        this.description = description;
    }

    public FlagTable add(Flag flag) {
        if (byName.putIfAbsent(flag.name(), flag) != null || byConfigKey.putIfAbsent(flag.configKey(), flag) != null) {
            throw new IllegalArgumentException("flag --" + flag.name() + " defined twice");
        }
        return this;
    }

    public FlagTable add(String name, Flag.Kind kind, Object defaultValue, String help) {
        return add(Flag.of(name, kind, defaultValue, help));
    }

    /** Accept {@code --config FILE}. */
    public FlagTable withConfigFile() {
        configFile = true;
        return this;
    }

    /** Accept {@code --version}, which prints this line. */
    public FlagTable withVersion(Supplier<String> line) {
        version = line;
        return this;
    }

    public String program() {
        return program;
    }

    public List<Flag> flags() {
        return List.copyOf(byName.values());
    }

    /** By name without dashes; null when unknown. */
    public Flag flag(String name) {
        return byName.get(name);
    }

    /** By config-file key; null when unknown. */
    public Flag byConfigKey(String key) {
        return byConfigKey.get(key);
    }

    /**
     * Reads {@code args} (and the config file they name), then {@code build} turns the values into
     * the program's options; a {@link UsageException} or {@link IllegalArgumentException} from it
     * is a usage error like a bad flag.
     */
    public <R> Outcome<R> parse(String[] args, Function<Values, R> build) {
        try {
            List<String> warnings = new ArrayList<>();
            Values values = read(args, warnings);
            if (values == null) {
                return help(args);
            }
            return new Run<>(build.apply(values), warnings);
        } catch (UsageException | IllegalArgumentException e) {
            StringBuilder b = new StringBuilder();
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            message.lines().forEach(line -> b.append(program).append(": ").append(line).append('\n'));
            return new Exit<>(2, "", b.toString());
        }
    }

    private <R> Outcome<R> help(String[] args) {
        for (String a : args) {
            String name = a.replaceFirst("^--?", "");
            if (name.equals("help") || name.equals("h")) {
                return new Exit<>(0, usage(), "");
            }
            if (name.equals("version")) {
                return new Exit<>(0, version.get() + "\n", "");
            }
        }
        throw new IllegalStateException("no help flag in " + List.of(args));
    }

    /** The given values, or null when --help or --version was asked for. */
    private Values read(String[] args, List<String> warnings) {
        Map<Flag, List<String>> given = new LinkedHashMap<>();
        String config = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--")) {
                if (i + 1 < args.length) {
                    throw new UsageException("unexpected argument " + quote(args[i + 1]) + " (see --help)");
                }
                break;
            }
            if (!arg.startsWith("-") || arg.equals("-") || arg.startsWith("---")) {
                throw new UsageException("unexpected argument " + quote(arg) + " (see --help)");
            }
            String body = arg.substring(arg.startsWith("--") ? 2 : 1);
            int eq = body.indexOf('=');
            String name = eq < 0 ? body : body.substring(0, eq);
            String inline = eq < 0 ? null : body.substring(eq + 1);
            if (name.equals("help") || name.equals("h") || (name.equals("version") && version != null)) {
                return null;
            }
            if (name.equals("config") && configFile) {
                config = inline != null ? inline : next(args, ++i, name);
                continue;
            }
            Flag flag = byName.get(name);
            if (flag == null) {
                throw new UsageException("unknown flag --" + name + " (see --help)");
            }
            String value = inline != null ? inline : flag.kind() == Flag.Kind.BOOL ? "true" : next(args, ++i, name);
            given.computeIfAbsent(flag, f -> new ArrayList<>()).add(value);
        }

        Map<String, Object> values = new LinkedHashMap<>();
        if (config != null) {
            readConfig(Path.of(config), given.keySet(), values, warnings);
        }
        for (Map.Entry<Flag, List<String>> e : given.entrySet()) {
            Flag flag = e.getKey();
            Object value;
            try {
                value = flag.fromCommandLine(e.getValue());
            } catch (IllegalArgumentException bad) {
                List<String> v = e.getValue();
                String shown = flag.kind().repeatable() ? String.join(",", v) : v.get(v.size() - 1);
                throw new UsageException("invalid value " + quote(shown) + " for flag --" + flag.name() + ": "
                        + bad.getMessage());
            }
            if (flag.ignored()) {
                warnings.add(program + ": flag --" + flag.name() + " is not supported by nodeq; ignored");
            } else {
                values.put(flag.name(), value);
            }
        }
        return new Values(this, values);
    }

    private static String next(String[] args, int i, String name) {
        if (i >= args.length) {
            throw new UsageException("flag needs a value: --" + name);
        }
        return args[i];
    }

    /** A TOML file's keys into {@code values}, except those the command line gives. */
    private void readConfig(Path path, java.util.Set<Flag> onCommandLine, Map<String, Object> values,
                            List<String> warnings) {
        Map<String, Object> file;
        try {
            file = TOML.readValue(Files.readString(path), new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (NoSuchFileException e) {
            throw new UsageException("config file " + path + ": no such file");
        } catch (JsonProcessingException e) {
            throw new UsageException("config file " + path + ": " + e.getOriginalMessage().lines().findFirst().orElse("")
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
        } catch (IOException e) {
            throw new UsageException("config file " + path + ": " + e.getMessage());
        }
        for (Map.Entry<String, Object> e : file.entrySet()) {
            Flag flag = byConfigKey.get(e.getKey());
            if (flag == null) {
                throw new UsageException("config file " + path + ": unknown option " + e.getKey());
            }
            if (e.getValue() instanceof Map) {
                throw new UsageException("config file " + path + ": tables ([" + e.getKey() + "]) are not supported");
            }
            if (onCommandLine.contains(flag)) {
                continue; // the command line wins
            }
            Object value;
            try {
                value = flag.fromConfig(e.getValue());
            } catch (IllegalArgumentException bad) {
                throw new UsageException("invalid value " + quote(String.valueOf(e.getValue())) + " for " + e.getKey()
                        + " in config file " + path + ": " + bad.getMessage());
            }
            if (flag.ignored()) {
                warnings.add(program + ": config option " + e.getKey() + " is not supported by nodeq; ignored");
            } else {
                values.put(flag.name(), value);
            }
        }
    }

    /** Every flag with its type, help and default. */
    public String usage() {
        StringBuilder b = new StringBuilder();
        b.append("Usage: ").append(program).append(" [flags]\n\n");
        if (!description.isEmpty()) {
            b.append(description.strip()).append("\n\n");
        }
        b.append("Flags (--flag=value, --flag value and -flag value all work; a list flag may repeat):\n");
        List<String[]> rows = new ArrayList<>();
        if (configFile) {
            rows.add(new String[] {"--config <file>", "path to a config file (TOML, keys = flag names with - as _)", ""});
        }
        for (Flag f : byName.values()) {
            String left = "--" + f.name() + (f.kind() == Flag.Kind.BOOL ? "[=bool]" : " <" + f.kind().placeholder + ">");
            rows.add(new String[] {left, f.help(), f.defaultText()});
        }
        rows.add(new String[] {"--help", "print this help and exit", ""});
        if (version != null) {
            rows.add(new String[] {"--version", "print the version and exit", ""});
        }
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

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** The values read: from the command line or config file, else each flag's default. */
    public static final class Values {
        private final FlagTable table;
        private final Map<String, Object> given;

        Values(FlagTable table, Map<String, Object> given) {
            this.table = table;
            this.given = given;
        }

        /** Whether the command line or config file set it. */
        public boolean has(String name) {
            return given.containsKey(check(name).name());
        }

        /** The flags that were set, with their typed values, in the table's order. */
        public Map<Flag, Object> given() {
            Map<Flag, Object> out = new LinkedHashMap<>();
            for (Flag f : table.byName.values()) {
                if (given.containsKey(f.name())) {
                    out.put(f, given.get(f.name()));
                }
            }
            return out;
        }

        public Object get(String name) {
            Flag f = check(name);
            return given.containsKey(name) ? given.get(name) : f.defaultValue();
        }

        public String string(String name) {
            Object v = get(name);
            return v == null ? "" : (String) v;
        }

        public int integer(String name) {
            return (Integer) get(name);
        }

        public long longValue(String name) {
            return (Long) get(name);
        }

        public double floatValue(String name) {
            return (Double) get(name);
        }

        public boolean bool(String name) {
            return Boolean.TRUE.equals(get(name));
        }

        public Duration duration(String name) {
            return (Duration) get(name);
        }

        public Path path(String name) {
            return (Path) get(name);
        }

        @SuppressWarnings("unchecked")
        public List<String> strings(String name) {
            Object v = get(name);
            return v == null ? List.of() : List.copyOf((List<String>) v);
        }

        @SuppressWarnings("unchecked")
        public List<Double> floats(String name) {
            Object v = get(name);
            return v == null ? List.of() : List.copyOf((List<Double>) v);
        }

        /** A flag the program must have been given, non-empty. */
        public String required(String name) {
            String v = string(name);
            if (v.isEmpty()) {
                throw new UsageException("--" + name + " is required");
            }
            return v;
        }

        private Flag check(String name) {
            Flag f = table.byName.get(name);
            if (f == null) {
                throw new IllegalStateException("no flag --" + name + " in the table of " + table.program);
            }
            return f;
        }
    }
}
