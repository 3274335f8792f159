package io.nodeq.daemon;

import io.nodeq.config.FlagTable;

import java.util.Map;

/**
 * nsqd's command line, turned into {@link DaemonOptions} through the {@link FlagSpec} table:
 * Go's flag forms, repeatable lists ({@code --lookupd-tcp-address} twice,
 * {@code --e2e-processing-latency-percentile 0.99,0.5}), {@code --config FILE} (nsqd's TOML config
 * file, which the command line overrides). Problems come back as one line each and exit code 2;
 * nothing here prints or exits, so tests can drive it in-process.
 */
public final class DaemonFlags {
    public static final String PROGRAM = "nodeq-daemon";
    private static final FlagTable TABLE = FlagSpec.table(PROGRAM, "The nodeq node daemon; flags take nsqd's names and defaults.")
            .withConfigFile()
            .withVersion(DaemonFlags::version);

    private DaemonFlags() {
    }

    public static FlagTable.Outcome<DaemonOptions> parse(String... args) {
        return TABLE.parse(args, values -> {
            DaemonOptions.Builder builder = DaemonOptions.builder();
            for (Map.Entry<io.nodeq.config.Flag, Object> e : values.given().entrySet()) {
                FlagSpec.byName(e.getKey().name()).setter().accept(builder, e.getValue());
            }
            DaemonOptions options = builder.build();
            java.util.List<String> problems = options.validate();
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(String.join("\n", problems));
            }
            return options;
        });
    }

    public static String version() {
        return PROGRAM + " v" + DaemonOptions.VERSION + " (nsqd-compatible, built w/java" + Runtime.version() + ")";
    }

    /** Every flag with its type, one-line description and default. */
    public static String usage() {
        return TABLE.usage();
    }
}
