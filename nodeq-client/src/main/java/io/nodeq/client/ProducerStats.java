package io.nodeq.client;

/**
 * A snapshot of a producer's counters.
 *
 * @param published    messages the daemon acknowledged
 * @param failed       messages whose publish failed (error reply, lost connection, close)
 * @param pendingBytes bytes held in the pending buffer now (bodies plus per-message overhead)
 * @param connected    whether the connection is up
 */
public record ProducerStats(long published, long failed, long pendingBytes, boolean connected) {
}
