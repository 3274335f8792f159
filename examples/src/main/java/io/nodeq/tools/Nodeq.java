package io.nodeq.tools;

import io.nodeq.config.FlagTable;
import io.nodeq.config.UsageException;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The {@code nodeq} command: NSQ's nsq_tail, to_nsq and nsq_stat as subcommands of one program.
 *
 * <pre>
 * nodeq tail --topic T [--channel C] [--lookupd-http-address A]... [--nsqd-tcp-address A]... [--n N]
 * nodeq pub  --topic T [--nsqd-tcp-address A] [--delimiter D]          (stdin lines become messages)
 * nodeq stat --topic T [--channel C] [--nsqd-http-address A]... | [--lookupd-http-address A]... [--interval 2s] [--count N]
 * </pre>
 *
 * Exit codes: 0 done, 1 failed (the reason is one line on stderr), 2 bad usage.
 */
public final class Nodeq {
    static final List<ToolCommand> COMMANDS = List.of(new TailCommand(), new PubCommand(), new StatCommand());

    private Nodeq() {
    }

    public static void main(String[] args) {
        // The tools' output is stdout; logs go to stderr and only when something is wrong.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "nodeq-tools-logback.xml");
        }
        CompletableFuture<Void> stop = new CompletableFuture<>();
        CountDownLatch finished = new CountDownLatch(1);
        // Ctrl-C / SIGTERM: ask the running command to stop cleanly (tail sends CLS and finishes what it
        // holds), and keep the JVM alive until it has.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.complete(null);
            try {
                finished.await(15, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "nodeq-stop"));
        int code = run(args, System.in, System.out, System.err, stop);
        System.out.flush();
        finished.countDown();
        if (!stop.isDone()) {
            System.exit(code);
        }
    }

    /** Runs {@code nodeq args...} and returns the exit code; never calls System.exit. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        return run(args, in, out, err, new CompletableFuture<>());
    }

    /** As {@link #run(String[], InputStream, PrintStream, PrintStream)}; completing {@code stop} stops the command. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err, CompletableFuture<Void> stop) {
        if (args.length == 0) {
            err.println("nodeq: missing command; try nodeq --help");
            return 2;
        }
        String name = args[0];
        if (name.equals("-h") || name.equals("--help") || name.equals("help")) {
            out.print(usage());
            return 0;
        }
        ToolCommand command = COMMANDS.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
        if (command == null) {
            err.println("nodeq: unknown command \"" + name + "\"; try nodeq --help");
            return 2;
        }
        try {
            FlagTable.Outcome<FlagTable.Values> parsed = command.flags().parse(
                    Arrays.copyOfRange(args, 1, args.length), values -> values);
            if (parsed instanceof FlagTable.Exit<FlagTable.Values> exit) {
                out.print(exit.stdout());
                err.print(exit.stderr());
                return exit.code();
            }
            return command.run(((FlagTable.Run<FlagTable.Values>) parsed).value(), new ToolIo(in, out, err, stop));
        } catch (UsageException e) {
            err.println("nodeq " + name + ": " + e.getMessage());
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("nodeq " + name + ": interrupted");
            return 1;
        } catch (Exception e) {
            err.println("nodeq " + name + ": " + oneLine(e));
            return 1;
        }
    }

    static String usage() {
        StringBuilder b = new StringBuilder("""
                nodeq: command-line tools for an NSQ (or nodeq) mesh

                usage: nodeq <command> [flags]     nodeq <command> --help for its flags

                commands:
                """);
        for (ToolCommand c : COMMANDS) {
            b.append(String.format("  %-6s %s%n", c.name(), c.summary()));
        }
        b.append("""

                Without addresses the tools use the mesh of ./run.sh (lookup 127.0.0.1:4161, daemon 127.0.0.1:4150/4151).
                Exit codes: 0 done, 1 failed (one line on stderr), 2 bad usage.
                """);
        return b.toString();
    }

    /** A failure as one line: the deepest cause's message, without a stack trace. */
    static String oneLine(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return (m == null || m.isBlank() ? t.getClass().getSimpleName() : m).replace('\n', ' ');
    }
}
