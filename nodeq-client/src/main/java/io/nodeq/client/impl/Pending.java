package io.nodeq.client.impl;

/** A command a producer has written and whose reply it awaits, in FIFO order. Owned by the producer's context. */
interface Pending {
    /** The daemon answered {@code OK}. */
    void succeed();

    void fail(Throwable cause);

    /** Bytes of {@link PendingBudget} to give back once answered. */
    int cost();

    int messageCount();
}
