package io.nodeq.daemon.broker;

import io.vertx.core.buffer.Buffer;

/**
 * A subscribed connection as its channel sees it: RDY, in-flight count and counters.
 *
 * <p>Owned by the channel's shard context; the connection reaches it only through shard tasks.
 */
public final class Consumer {
    final ConsumerLink link;
    final ClientInfo info;
    final long msgTimeoutNs;
    /** Negotiated nodeq_headers: frames carry the header block before the payload. */
    final boolean headers;
    Channel channel;
    int rdy;
    int inFlight;
    boolean closing;
    boolean gone;
    long messageCount;
    long finishCount;
    long requeueCount;
    /** Frames built during the current pump, written in one go at its end. */
    Buffer pending;

    public Consumer(ConsumerLink link, ClientInfo info) {
        this.link = link;
        this.info = info;
        this.msgTimeoutNs = info.msgTimeoutMs() * 1_000_000L;
        this.headers = info.headers();
    }

    boolean ready() {
        return !closing && !gone && inFlight < rdy;
    }
}
