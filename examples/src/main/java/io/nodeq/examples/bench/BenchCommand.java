package io.nodeq.examples.bench;

import java.io.PrintStream;
import java.time.Duration;

/** The command-line shell both tools share: parse flags, run, map the outcome to NSQ-like exit codes. */
final class BenchCommand {
    /** Parses flags into options; returns null for {@code --help}. */
    interface Parser<O> {
        O parse(String[] args) throws UsageException;
    }

    /** Runs the bench with parsed options, printing its result lines. */
    interface Bench<O> {
        void run(O options, PrintStream out) throws Exception;
    }

    private BenchCommand() {
    }

    /** 0 done (or help printed), 1 the bench failed, 2 bad flags; each failure is one line on {@code err}. */
    static <O> int run(String tool, String usage, String[] args, Parser<O> parser, Bench<O> bench, PrintStream out, PrintStream err) {
        O options;
        try {
            options = parser.parse(args);
        } catch (UsageException e) {
            err.println(tool + ": " + e.getMessage());
            return 2;
        }
        if (options == null) {
            out.println(usage);
            return 0;
        }
        try {
            bench.run(options, out);
            return 0;
        } catch (Exception e) {
            err.println(tool + ": " + e.getMessage());
            return 1;
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
