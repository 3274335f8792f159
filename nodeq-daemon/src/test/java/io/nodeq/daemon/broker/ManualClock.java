package io.nodeq.daemon.broker;

import java.time.Duration;

/** A {@link BrokerClock} that moves only when a test tells it to; both clocks move together. */
public final class ManualClock implements BrokerClock {
    private volatile long mono = 5_000_000_000L;
    private volatile long epoch = 1_790_000_000_000_000_000L;

    public void advance(Duration d) {
        mono += d.toNanos();
        epoch += d.toNanos();
    }

    @Override
    public long nanoTime() {
        return mono;
    }

    @Override
    public long epochNanos() {
        return epoch;
    }
}
