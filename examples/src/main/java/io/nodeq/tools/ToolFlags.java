package io.nodeq.tools;

import io.nodeq.client.NsqAddress;
import io.nodeq.protocol.GoDuration;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The flags of one subcommand, read the way NSQ's Go tools read theirs ({@code --name value},
 * {@code --name=value}, {@code -name value}); a flag may repeat ({@code --lookupd-http-address}
 * twice gives two values). Immutable after {@link #parse}; hand-written because four tools with a
 * dozen flags between them do not justify a parsing library in the jar.
 */
final class ToolFlags {
    private final Map<String, List<String>> values;
    private final boolean help;

    private ToolFlags(Map<String, List<String>> values, boolean help) {
        this.values = values;
        this.help = help;
    }

    /** Every flag must be in {@code known} (names without dashes); {@code -h}/{@code --help} sets {@link #help()}. */
    static ToolFlags parse(List<String> args, Set<String> known) throws ToolUsageException {
        Map<String, List<String>> values = new LinkedHashMap<>();
        boolean help = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("-") || arg.equals("-") || arg.equals("--")) {
                throw new ToolUsageException("unexpected argument \"" + arg + "\"");
            }
            String name = arg.substring(arg.startsWith("--") ? 2 : 1);
            if (name.equals("h") || name.equals("help")) {
                help = true;
                continue;
            }
            int eq = name.indexOf('=');
            String value;
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else {
                value = i + 1 < args.size() ? args.get(++i) : null;
            }
            if (!known.contains(name)) {
                throw new ToolUsageException("unknown flag --" + name + " (see --help)");
            }
            if (value == null) {
                throw new ToolUsageException("--" + name + " needs a value");
            }
            values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return new ToolFlags(values, help);
    }

    boolean help() {
        return help;
    }

    /** The last value given, or {@code fallback}. */
    String string(String name, String fallback) {
        List<String> v = values.get(name);
        return v == null ? fallback : v.get(v.size() - 1);
    }

    /** The value of a flag that must be given and non-empty. */
    String required(String name) throws ToolUsageException {
        String v = string(name, "");
        if (v.isEmpty()) {
            throw new ToolUsageException("--" + name + " is required");
        }
        return v;
    }

    /** Every value given, in order. */
    List<String> all(String name) {
        return values.getOrDefault(name, List.of());
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    /** A non-negative integer. */
    long count(String name, long fallback) throws ToolUsageException {
        String v = string(name, null);
        if (v == null) {
            return fallback;
        }
        try {
            long n = Long.parseLong(v);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ToolUsageException("--" + name + " must be a non-negative integer, got \"" + v + "\"");
        }
    }

    /** A positive Go-style duration ({@code 2s}, {@code 500ms}, {@code 1m30s}). */
    Duration duration(String name, Duration fallback) throws ToolUsageException {
        String v = string(name, null);
        if (v == null) {
            return fallback;
        }
        try {
            Duration d = GoDuration.parse(v);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException();
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw new ToolUsageException("--" + name + " must be a positive duration such as 2s or 500ms, got \"" + v + "\"");
        }
    }

    /** Every value as {@code host:port}, checked now so a typo is a usage error, not a connect failure later. */
    List<NsqAddress> addresses(String name, int defaultPort) throws ToolUsageException {
        List<NsqAddress> out = new ArrayList<>();
        for (String v : all(name)) {
            try {
                out.add(NsqAddress.parse(v.replaceFirst("^https?://", "").replaceFirst("/.*$", ""), defaultPort));
            } catch (IllegalArgumentException e) {
                throw new ToolUsageException("--" + name + ": invalid address \"" + v + "\" (want host:port)");
            }
        }
        return out;
    }
}
