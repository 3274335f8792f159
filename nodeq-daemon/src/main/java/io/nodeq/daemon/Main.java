package io.nodeq.daemon;

import io.nodeq.config.FlagTable;
import io.nodeq.daemon.broker.BrokerClock;
import io.nodeq.daemon.log.FileLayer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code java -jar nodeq-daemon.jar [nsqd flags]}: parses the flags (exit 2 on a bad one), starts
 * the daemon, after its {@code --jit-warmup} (exit 1 with one line if that fails: port in use, data
 * path locked, ...) and closes it on SIGTERM/SIGINT, waiting up to 30 s for queued messages to be
 * saved. Vert.x registers no shutdown hook of its own (vertx5-notes §9); its event-loop threads keep
 * the JVM alive.
 */
public final class Main {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);
    static final long START_TIMEOUT_SECONDS = 60;
    static final long CLOSE_TIMEOUT_SECONDS = 30;

    /** The result of {@link #launch}: an exit code, or the running daemon (code 0). */
    record Launch(int exitCode, Daemon daemon) {
    }

    private Main() {
    }

    public static void main(String[] args) {
        Launch launch = launch(args, System.out, System.err);
        if (launch.daemon() == null) {
            System.out.flush();
            System.exit(launch.exitCode());
        }
        Daemon daemon = launch.daemon();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> shutdown(daemon), "shutdown-hook"));
    }

    /** Parses and starts without exiting or installing hooks, so tests can run it in-process. */
    static Launch launch(String[] args, PrintStream out, PrintStream err) {
        FlagTable.Outcome<DaemonOptions> outcome = DaemonFlags.parse(args);
        if (outcome instanceof FlagTable.Exit<DaemonOptions> exit) {
            out.print(exit.stdout());
            err.print(exit.stderr());
            return new Launch(exit.code(), null);
        }
        FlagTable.Run<DaemonOptions> run = (FlagTable.Run<DaemonOptions>) outcome;
        DaemonOptions options = run.value();
        run.warnings().forEach(err::println);
        LogLevels.apply(options.logLevel());
        try {
            Daemon daemon = Daemon.start(options, FileLayer.DEFAULT, BrokerClock.system(), true)
                    .await(START_TIMEOUT_SECONDS + options.jitWarmup().toSeconds(), TimeUnit.SECONDS);
            LOG.info("{} started (pid {}, data path {})", DaemonFlags.version(), ProcessHandle.current().pid(),
                    options.dataPath().toAbsolutePath());
            return new Launch(0, daemon);
        } catch (Exception e) {
            String why = describe(e);
            Throwable c = cause(e);
            if (c instanceof java.net.BindException
                    || c instanceof io.netty.channel.unix.Errors.NativeIoException && String.valueOf(c.getMessage()).startsWith("bind(")) {
                // the exception does not say which listener failed
                why += " (--tcp-address " + options.tcpAddress() + ", --http-address "
                        + options.httpAddress() + ")";
            }
            err.println(DaemonFlags.PROGRAM + ": cannot start: " + why);
            return new Launch(1, null);
        }
    }

    /** Runs in the shutdown hook: close the daemon (saves messages and nsqd.dat), bounded in time. */
    static void shutdown(Daemon daemon) {
        LOG.info("shutting down");
        try {
            daemon.close().await(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            LOG.info("shut down cleanly");
        } catch (TimeoutException e) {
            LOG.error("shutdown did not finish within {} s", CLOSE_TIMEOUT_SECONDS);
        } catch (Exception e) {
            LOG.error("shutdown failed: {}", describe(e));
        }
    }

    private static Throwable cause(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static String describe(Throwable e) {
        Throwable t = cause(e);
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
    }
}
