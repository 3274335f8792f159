package io.nodeq.tools;

import io.nodeq.client.NsqAddress;
import io.nodeq.config.FlagTable;
import io.nodeq.config.UsageException;
import io.nodeq.protocol.GoDuration;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** One {@code nodeq} subcommand. Stateless; {@link #run} owns everything it creates and releases it before returning. */
interface ToolCommand {
    String name();

    /** One line for {@code nodeq --help}. */
    String summary();

    /** Its flags; {@code --help} is printed from them. */
    FlagTable flags();

    /** Runs to completion (or until {@code io.stop()} completes) and returns the exit code. */
    int run(FlagTable.Values flags, ToolIo io) throws Exception;

    /** A non-negative integer flag. */
    static long count(FlagTable.Values flags, String name) {
        long n = flags.longValue(name);
        if (n < 0) {
            throw new UsageException("--" + name + " must be a non-negative integer, got \"" + n + "\"");
        }
        return n;
    }

    /** A positive duration flag ({@code 2s}, {@code 500ms}, {@code 1m30s}). */
    static Duration positive(FlagTable.Values flags, String name) {
        Duration d = flags.duration(name);
        if (d.isNegative() || d.isZero()) {
            throw new UsageException("--" + name + " must be a positive duration such as 2s or 500ms, got \"" + GoDuration.format(d) + "\"");
        }
        return d;
    }

    /** Every value as {@code host:port} ({@code http://} and a path allowed), checked now so a typo is a usage error. */
    static List<NsqAddress> addresses(FlagTable.Values flags, String name, int defaultPort) {
        List<NsqAddress> out = new ArrayList<>();
        for (String v : flags.strings(name)) {
            try {
                out.add(NsqAddress.parse(v.replaceFirst("^https?://", "").replaceFirst("/.*$", ""), defaultPort));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--" + name + ": invalid address \"" + v + "\" (want host:port)");
            }
        }
        return out;
    }
}
