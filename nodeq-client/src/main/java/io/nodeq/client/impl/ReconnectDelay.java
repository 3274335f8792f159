package io.nodeq.client.impl;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential reconnect delays with ±20 % jitter, so many clients do not reconnect in lockstep. */
public final class ReconnectDelay {
    private ReconnectDelay() {
    }

    public static long millis(int attempt, Duration min, Duration max) {
        long base = min.toMillis();
        long cap = max.toMillis();
        long d = attempt >= 30 ? cap : Math.min(cap, base << Math.min(attempt, 30));
        double jitter = 0.8 + 0.4 * ThreadLocalRandom.current().nextDouble();
        return Math.max(1, Math.min(cap, (long) (d * jitter)));
    }
}
