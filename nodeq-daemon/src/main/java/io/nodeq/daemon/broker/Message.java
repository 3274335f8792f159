package io.nodeq.daemon.broker;

/**
 * One message in one channel (or in a topic's queue before fan-out). The body is shared by every
 * channel's copy and never mutated; attempts and the in-flight fields are per copy.
 *
 * <p>Owned by the shard that holds it; handed whole to the disk lane when it spills to disk.
 */
public final class Message {
    final long id;
    final long timestampNs;
    final byte[] body;
    int attempts;

    /** In flight: when it times out (ns, monotonic clock), when it was sent, to whom. */
    long deadline;
    long deliveredAt;
    Consumer owner;
    /** Deferred: when it becomes due (ns, monotonic clock); in a topic queue: the DPUB deferral. */
    long due;
    long deferMs;
    /** Position in the channel's in-flight or deferred heap, -1 when in neither. */
    int heapIndex = -1;

    public Message(long id, long timestampNs, byte[] body, int attempts) {
        this.id = id;
        this.timestampNs = timestampNs;
        this.body = body;
        this.attempts = attempts;
    }

    /** The copy a further channel gets at fan-out. */
    Message copy() {
        return new Message(id, timestampNs, body, attempts);
    }

    public long id() {
        return id;
    }

    public long timestampNs() {
        return timestampNs;
    }

    public byte[] body() {
        return body;
    }

    public int attempts() {
        return attempts;
    }
}
