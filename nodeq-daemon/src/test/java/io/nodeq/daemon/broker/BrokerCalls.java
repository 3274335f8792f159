package io.nodeq.daemon.broker;

import io.nodeq.daemon.DaemonOptions;
import io.nodeq.daemon.log.FileLayer;
import io.nodeq.daemon.stats.StatsFilter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Calls on a {@link ShardedBroker} for tests that drive it without a socket. */
final class BrokerCalls {
    private BrokerCalls() {
    }

    /** A started broker over {@code files}, listening to nothing. */
    static ShardedBroker startBroker(Vertx vertx, DaemonOptions options, FileLayer files) {
        ShardedBroker broker = new ShardedBroker(vertx, options, BrokerStorage.of(options, files), BrokerListener.NONE);
        broker.start();
        return broker;
    }

    /** The future's result, waiting at most 10 s. */
    static <T> T result(Future<T> f) throws Exception {
        return f.await(10, TimeUnit.SECONDS);
    }

    /** {@code n} small bodies: "b0", "b1", ... */
    static List<byte[]> bodies(int n) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(("b" + i).getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    /** The depth of the first channel of the first topic in /stats. */
    static long firstChannelDepth(ShardedBroker broker) throws Exception {
        return result(broker.stats(StatsFilter.ALL)).topics().get(0).channels().get(0).depth();
    }
}
