package io.nodeq.daemon.broker;

/**
 * One message of a topic's log as one channel handles it while it is in flight, requeued or
 * deferred. The body is a slice of a hot-tail slab or of a disk read batch, shared and never
 * mutated; attempts and the in-flight fields are this channel's. Queued messages that no channel
 * has taken yet have no object: they are records in the log and its hot tail.
 *
 * <p>Owned by the shard that holds it.
 */
public final class Message {
    /** Position in the topic's log. */
    final long seq;
    final long id;
    final long timestampNs;
    final byte[] data;
    /** The stored body: the header block (when {@link #headerLength} &gt; 0), then the payload. */
    final int bodyOffset;
    final int bodyLength;
    /** Bytes of the header block at the start of the body, 0 when the message has none. */
    final int headerLength;
    int attempts;

    /** In flight: when it times out (ns, monotonic clock), when it was sent, to whom. */
    long deadline;
    long deliveredAt;
    Consumer owner;
    /** Deferred: when it becomes due (ns, monotonic clock), and the same as wall-clock ms for the journal. */
    long due;
    long dueEpochMs;
    /** Position in the channel's in-flight or deferred heap, -1 when in neither. */
    int heapIndex = -1;

    Message(long seq, long id, long timestampNs, byte[] data, int bodyOffset, int bodyLength, int attempts) {
        this(seq, id, timestampNs, data, bodyOffset, bodyLength, 0, attempts);
    }

    Message(long seq, long id, long timestampNs, byte[] data, int bodyOffset, int bodyLength, int headerLength,
            int attempts) {
        this.seq = seq;
        this.id = id;
        this.timestampNs = timestampNs;
        this.data = data;
        this.bodyOffset = bodyOffset;
        this.bodyLength = bodyLength;
        this.headerLength = headerLength;
        this.attempts = attempts;
    }

    public long id() {
        return id;
    }

    public long seq() {
        return seq;
    }

    public long timestampNs() {
        return timestampNs;
    }

    /** The payload, without the header block. */
    public byte[] body() {
        return java.util.Arrays.copyOfRange(data, bodyOffset + headerLength, bodyOffset + bodyLength);
    }

    /** The header block (u16 length included), empty when the message has none. */
    public byte[] headerBlock() {
        return java.util.Arrays.copyOfRange(data, bodyOffset, bodyOffset + headerLength);
    }

    public int attempts() {
        return attempts;
    }
}
