package io.nodeq.client.impl;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Bytes a producer may hold (queued, batched, or sent and unanswered). Publishers take, replies give
 * back. Thread-safe.
 */
public final class PendingBudget {
    private final int capacity;
    private final Semaphore permits;

    public PendingBudget(int capacity) {
        this.capacity = capacity;
        this.permits = new Semaphore(capacity);
    }

    public boolean tryAcquire(int cost) {
        return permits.tryAcquire(cost);
    }

    /** Waits up to {@code maxWait}; false when the time ran out or the thread was interrupted. */
    public boolean acquire(int cost, Duration maxWait) {
        try {
            return permits.tryAcquire(cost, maxWait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public void release(int cost) {
        permits.release(cost);
    }

    public long used() {
        return (long) capacity - permits.availablePermits();
    }
}
