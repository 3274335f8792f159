package io.nodeq.lookup;

import io.nodeq.client.NsqAddress;
import io.nodeq.config.Flag.Kind;
import io.nodeq.config.FlagTable;
import io.nodeq.lookup.registry.ClusterOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * nsqlookupd's command line (nsq-protocol.md §5.2) plus the cluster flags, read with the shared
 * {@link FlagTable}: Go's flag forms, {@code --config FILE} (nsqlookupd's TOML config file, which
 * the command line overrides), one line and exit code 2 for a mistake.
 */
public final class LookupFlags {
    public static final String PROGRAM = "nodeq-lookup";
    private static final List<String> LEVELS = List.of("debug", "info", "warn", "error", "fatal");

    static final FlagTable TABLE = new FlagTable(PROGRAM, "Discovery for nodeq and NSQ daemons: a drop-in nsqlookupd, "
            + "or one of several lookups sharing a registry (Hazelcast) when a cluster flag is given.")
            .add("tcp-address", Kind.STRING, LookupOptions.DEFAULT_TCP, "<addr>:<port> to listen on for TCP clients")
            .add("http-address", Kind.STRING, LookupOptions.DEFAULT_HTTP, "<addr>:<port> to listen on for HTTP clients")
            .add("broadcast-address", Kind.STRING, "", "address of this lookupd node (default: OS hostname)")
            .add("inactive-producer-timeout", Kind.DURATION, LookupOptions.DEFAULT_INACTIVE,
                    "duration of time a producer will remain in the active list since its last ping")
            .add("tombstone-lifetime", Kind.DURATION, LookupOptions.DEFAULT_TOMBSTONE,
                    "duration of time a producer will remain tombstoned if registration remains")
            .add("log-level", Kind.STRING, "info", "set log verbosity: debug, info, warn, error, or fatal")
            .add("log-prefix", Kind.STRING, "[nsqlookupd] ", "log message prefix")
            .add("cluster-name", Kind.STRING, "", "Hazelcast cluster name; any cluster flag turns cluster mode on "
                    + "(default \"" + ClusterOptions.DEFAULT_NAME + "\")")
            .add("cluster-bind", Kind.STRING, "", "<addr>:<port> this lookup's Hazelcast member binds "
                    + "(counts up if taken; default 127.0.0.1:" + ClusterOptions.DEFAULT_PORT + ")")
            .add("cluster-member", Kind.STRINGS, List.of(), "<addr>:<port> of another lookup's Hazelcast member "
                    + "(may be given multiple times, or comma separated)")
            .withConfigFile()
            .withVersion(() -> PROGRAM + " v" + LookupServer.VERSION + " (nsqlookupd compatible)");

    /** The parsed command line. */
    public record Parsed(LookupOptions options, String logLevel, String logPrefix) {
    }

    private LookupFlags() {
    }

    public static FlagTable.Outcome<Parsed> parse(String... args) {
        return TABLE.parse(args, v -> {
            String level = v.string("log-level").toLowerCase(Locale.ROOT);
            if (!LEVELS.contains(level)) {
                throw new IllegalArgumentException("invalid value \"" + level + "\" for flag --log-level: invalid log level");
            }
            List<String> members = new ArrayList<>();
            for (String m : v.strings("cluster-member")) {
                for (String part : m.split(",")) {
                    if (!part.isBlank()) {
                        NsqAddress.parse(part.strip(), -1);
                        members.add(part.strip());
                    }
                }
            }
            ClusterOptions cluster = null;
            if (v.has("cluster-name") || v.has("cluster-bind") || !members.isEmpty()) {
                String name = v.string("cluster-name").isEmpty() ? ClusterOptions.DEFAULT_NAME : v.string("cluster-name");
                NsqAddress bind = NsqAddress.parse(v.string("cluster-bind").isEmpty()
                        ? "127.0.0.1:" + ClusterOptions.DEFAULT_PORT : v.string("cluster-bind"), -1);
                cluster = new ClusterOptions(name, bind.host(), bind.port(), ClusterOptions.DEFAULT_PORT_COUNT, members);
            }
            LookupOptions o = new LookupOptions(v.string("tcp-address"), v.string("http-address"),
                    v.string("broadcast-address"), v.duration("inactive-producer-timeout"), v.duration("tombstone-lifetime"),
                    cluster, LookupOptions.DEFAULT_REAP);
            return new Parsed(o, level, v.string("log-prefix"));
        });
    }

    public static String usage() {
        return TABLE.usage();
    }
}
