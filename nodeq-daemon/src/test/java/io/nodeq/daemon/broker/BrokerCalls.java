package io.nodeq.daemon.broker;

import io.nodeq.daemon.stats.StatsFilter;
import io.vertx.core.Future;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Calls on a {@link ShardedBroker} for tests that drive it without a socket. */
final class BrokerCalls {
    private BrokerCalls() {
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
