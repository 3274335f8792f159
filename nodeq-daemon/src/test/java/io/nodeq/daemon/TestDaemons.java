package io.nodeq.daemon;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/** Starts real daemons on 127.0.0.1 with OS-chosen ports for tests. */
public final class TestDaemons {
    private TestDaemons() {
    }

    public static Daemon start(Path dataDir) {
        return start(dataDir, b -> b);
    }

    public static Daemon start(Path dataDir, UnaryOperator<DaemonOptions.Builder> customize) {
        return start(dataDir, customize, io.nodeq.daemon.broker.BrokerClock.system());
    }

    /** A daemon whose broker tells time by {@code clock}. */
    public static Daemon start(Path dataDir, UnaryOperator<DaemonOptions.Builder> customize,
                               io.nodeq.daemon.broker.BrokerClock clock) {
        try {
            return Daemon.start(customize.apply(DaemonOptions.forTest(dataDir)).build(),
                    io.nodeq.daemon.log.FileLayer.DEFAULT, clock).await(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("daemon did not start: " + e, e);
        }
    }

    public static void stop(Daemon d) {
        if (d != null) {
            try {
                d.close().await(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("daemon did not stop: " + e, e);
            }
        }
    }
}
