package io.nodeq.lookup;

import io.nodeq.lookup.registry.ClusterOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * nsqlookupd's command line (nsq-protocol.md §5.2) plus the cluster flags. Accepts {@code -flag v},
 * {@code --flag v} and {@code --flag=v} like Go's flag package; {@code --config FILE} reads
 * {@code flag_name = value} lines (the TOML subset nsqlookupd's config files use), which the
 * command line overrides.
 */
public final class LookupFlags {

    /** A bad flag or value: Main prints the message as one line and exits with 2. */
    public static final class FlagException extends RuntimeException {
        public FlagException(String message) {
            super(message, null, false, false);
        }
    }

    private record Flag(String name, String dflt, boolean repeatable, String help) {
    }

    private static final List<Flag> FLAGS = List.of(
            new Flag("tcp-address", LookupOptions.DEFAULT_TCP, false, "<addr>:<port> to listen on for TCP clients"),
            new Flag("http-address", LookupOptions.DEFAULT_HTTP, false, "<addr>:<port> to listen on for HTTP clients"),
            new Flag("broadcast-address", "", false, "address of this lookupd node (default: OS hostname)"),
            new Flag("inactive-producer-timeout", "300s", false, "duration of time a producer will remain in the active list since its last ping"),
            new Flag("tombstone-lifetime", "45s", false, "duration of time a producer will remain tombstoned if registration remains"),
            new Flag("log-level", "info", false, "set log verbosity: debug, info, warn, error, or fatal"),
            new Flag("log-prefix", "[nsqlookupd] ", false, "log message prefix"),
            new Flag("cluster-name", "", false, "Hazelcast cluster name; any cluster flag turns cluster mode on (default \"" + ClusterOptions.DEFAULT_NAME + "\")"),
            new Flag("cluster-bind", "", false, "<addr>:<port> this lookup's Hazelcast member binds (counts up if taken; default 127.0.0.1:5701)"),
            new Flag("cluster-member", "", true, "<addr>:<port> of another lookup's Hazelcast member (may be given multiple times)"),
            new Flag("config", "", false, "path to config file"),
            new Flag("version", "false", false, "print version string"),
            new Flag("help", "false", false, "print this help"));

    /** The parsed command line. */
    public record Parsed(LookupOptions options, String logLevel, String logPrefix, boolean help, boolean version) {
    }

    private LookupFlags() {
    }

    public static Parsed parse(String[] args) {
        Map<String, List<String>> cli = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("-") || a.equals("-") || a.equals("--")) {
                throw new FlagException("unexpected argument: " + a);
            }
            String body = a.startsWith("--") ? a.substring(2) : a.substring(1);
            String name = body;
            String value = null;
            int eq = body.indexOf('=');
            if (eq >= 0) {
                name = body.substring(0, eq);
                value = body.substring(eq + 1);
            }
            if ("h".equals(name)) {
                name = "help";
            }
            Flag f = flag(name);
            if (value == null) {
                if (isBoolean(f)) {
                    value = "true";
                } else if (i + 1 < args.length) {
                    value = args[++i];
                } else {
                    throw new FlagException("flag needs an argument: -" + name);
                }
            }
            cli.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        Map<String, List<String>> values = new LinkedHashMap<>();
        if (cli.containsKey("config")) {
            values.putAll(readConfig(Path.of(last(cli, "config"))));
        }
        values.putAll(cli);
        return build(values);
    }

    private static boolean isBoolean(Flag f) {
        return f.name().equals("help") || f.name().equals("version");
    }

    private static Flag flag(String name) {
        for (Flag f : FLAGS) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        throw new FlagException("flag provided but not defined: -" + name);
    }

    private static String last(Map<String, List<String>> values, String name) {
        List<String> v = values.get(name);
        return v == null ? flag(name).dflt() : v.get(v.size() - 1);
    }

    private static Parsed build(Map<String, List<String>> v) {
        try {
            Duration inactive = Durations.parse(last(v, "inactive-producer-timeout"));
            Duration tombstone = Durations.parse(last(v, "tombstone-lifetime"));
            String level = last(v, "log-level").toLowerCase(java.util.Locale.ROOT);
            if (!List.of("debug", "info", "warn", "error", "fatal").contains(level)) {
                throw new FlagException("invalid value \"" + level + "\" for flag -log-level: invalid log level");
            }
            ClusterOptions cluster = null;
            List<String> members = new ArrayList<>();
            for (String m : v.getOrDefault("cluster-member", List.of())) {
                for (String part : m.split(",")) {
                    if (!part.isBlank()) {
                        HostPort.parse(part.strip());
                        members.add(part.strip());
                    }
                }
            }
            if (v.containsKey("cluster-name") || v.containsKey("cluster-bind") || !members.isEmpty()) {
                String name = last(v, "cluster-name").isEmpty() ? ClusterOptions.DEFAULT_NAME : last(v, "cluster-name");
                HostPort bind = HostPort.parse(last(v, "cluster-bind").isEmpty()
                        ? "127.0.0.1:" + ClusterOptions.DEFAULT_PORT : last(v, "cluster-bind"));
                cluster = new ClusterOptions(name, bind.host(), bind.port(), ClusterOptions.DEFAULT_PORT_COUNT, members);
            }
            LookupOptions o = new LookupOptions(last(v, "tcp-address"), last(v, "http-address"),
                    last(v, "broadcast-address"), inactive, tombstone, cluster, LookupOptions.DEFAULT_REAP);
            return new Parsed(o, level, last(v, "log-prefix"), Boolean.parseBoolean(last(v, "help")),
                    Boolean.parseBoolean(last(v, "version")));
        } catch (FlagException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new FlagException(e.getMessage());
        }
    }

    /** {@code name = value} lines; values may be "quoted" or ["arrays", "of", "strings"]; '#' comments. */
    static Map<String, List<String>> readConfig(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new FlagException("failed to load config file " + file + ": " + e.getMessage());
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new FlagException("config file " + file + ": bad line: " + line);
            }
            String name = line.substring(0, eq).strip().replace('_', '-');
            String value = line.substring(eq + 1).strip();
            flag(name);
            List<String> vals = new ArrayList<>();
            if (value.startsWith("[") && value.endsWith("]")) {
                for (String item : value.substring(1, value.length() - 1).split(",")) {
                    if (!item.isBlank()) {
                        vals.add(unquote(item.strip()));
                    }
                }
            } else {
                vals.add(unquote(value));
            }
            out.put(name, vals);
        }
        return out;
    }

    private static String unquote(String s) {
        if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
            return s.substring(1, s.length() - 1);
        }
        return s;
    }

    public static String usage() {
        StringBuilder b = new StringBuilder("Usage of nodeq-lookup:\n");
        for (Flag f : FLAGS) {
            b.append("  --").append(f.name()).append(isBoolean(f) ? "" : " value").append('\n')
                    .append("        ").append(f.help());
            if (!f.dflt().isEmpty() && !isBoolean(f)) {
                b.append(" (default \"").append(f.dflt()).append("\")");
            }
            b.append('\n');
        }
        return b.toString();
    }
}
