package io.nodeq.examples.bench;

import io.nodeq.client.NsqAddress;
import io.nodeq.config.FlagTable;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.function.Function;

/** The command-line shell the bench tools share: parse flags, run, map the outcome to NSQ-like exit codes. */
final class BenchCommand {
    private static final DateTimeFormatter DEADLINE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    /** Runs the bench with parsed options, printing its result lines. */
    interface Bench<O> {
        void run(O options, PrintStream out) throws Exception;
    }

    /** A bench with more outcomes than done or failed: it returns its exit code. */
    interface CodedBench<O> {
        int run(O options, PrintStream out) throws Exception;
    }

    private BenchCommand() {
    }

    /**
     * 0 done (or help printed), 1 the bench failed, 2 bad flags; each failure is one line on
     * {@code err}. {@code options} builds the tool's options from the flags' values.
     */
    static <O> int run(FlagTable flags, String[] args, Function<FlagTable.Values, O> options, Bench<O> bench,
                       PrintStream out, PrintStream err) {
        return runCoded(flags, args, options, (o, printTo) -> {
            bench.run(o, printTo);
            return 0;
        }, out, err);
    }

    /** As {@link #run}, the exit code of a successful run being the bench's own. */
    static <O> int runCoded(FlagTable flags, String[] args, Function<FlagTable.Values, O> options, CodedBench<O> bench,
                            PrintStream out, PrintStream err) {
        FlagTable.Outcome<O> parsed = flags.parse(args, options);
        if (parsed instanceof FlagTable.Exit<O> exit) {
            out.print(exit.stdout());
            err.print(exit.stderr());
            return exit.code();
        }
        try {
            return bench.run(((FlagTable.Run<O>) parsed).value(), out);
        } catch (Exception e) {
            err.println(flags.program() + ": " + e.getMessage());
            return 1;
        }
    }

    /** NSQ's {@code --deadline}: "2006-01-02 15:04:05", read as UTC like Go's time.Parse; null when empty. */
    static Instant deadline(FlagTable.Values flags) {
        String v = flags.string("deadline");
        if (v.isEmpty()) {
            return null;
        }
        try {
            return LocalDateTime.parse(v, DEADLINE).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("invalid value \"" + v + "\" for flag --deadline: want \"YYYY-MM-DD hh:mm:ss\" (UTC)");
        }
    }

    /** The {@code --nsqd-tcp-address} of a raw-protocol tool: host and port. */
    static NsqAddress daemon(FlagTable.Values flags) {
        try {
            return NsqAddress.parse(flags.string("nsqd-tcp-address"), -1);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid value \"" + flags.string("nsqd-tcp-address")
                    + "\" for flag --nsqd-tcp-address: want host:port");
        }
    }

    /** The checks both tools' options share. */
    static void checkRun(Duration runfor, int concurrency, long count) {
        if (runfor.isNegative() || runfor.isZero()) {
            throw new IllegalArgumentException("--runfor must be positive");
        }
        if (concurrency < 1 || concurrency > 1000) {
            throw new IllegalArgumentException("--concurrency must be 1..1000");
        }
        if (count < 0) {
            throw new IllegalArgumentException("--count must not be negative");
        }
    }
}
