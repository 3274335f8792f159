package io.nodeq.daemon.broker;

import io.vertx.core.buffer.Buffer;

/** The shard's handle on a subscribed connection. Both methods may be called from any thread. */
public interface ConsumerLink {

    /**
     * Writes message frames (one buffer per delivery burst). The buffer is pooled and the link's:
     * it frees it ({@code ((BufferInternal) frames).unwrap().release()}), by writing it or not.
     */
    void deliver(Buffer frames);

    /** Closes the connection, e.g. because its channel was deleted. */
    void close(String reason);
}
