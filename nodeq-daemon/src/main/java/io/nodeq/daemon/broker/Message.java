package io.nodeq.daemon.broker;

import io.netty.buffer.ByteBuf;

/**
 * One message of a topic's log as one channel handles it while it is in flight, requeued or
 * deferred. The body is a slice of a hot-tail slab (direct memory, one reference held by this
 * message until {@link #release}) or of a disk read batch (a heap array), shared and never
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
    /** The slab's bytes or the wrapped read batch the body is a slice of. */
    final ByteBuf data;
    /** The slab {@link #data} belongs to (one reference is this message's), null for a read batch. */
    private final Slab slab;
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
    /** Failed dead-letter publishes since it was last delivered: when due again, it is dead-lettered, not delivered. */
    int deadLetterTries;
    /** Position in the channel's in-flight or deferred heap, -1 when in neither. */
    int heapIndex = -1;
    private boolean released;

    Message(long seq, long id, long timestampNs, byte[] data, int bodyOffset, int bodyLength, int attempts) {
        this(seq, id, timestampNs, io.netty.buffer.Unpooled.wrappedBuffer(data), null, bodyOffset, bodyLength, 0,
                attempts);
    }

    /** A message over {@code data}; a non-null {@code slab} is retained here, for {@link #release}. */
    Message(long seq, long id, long timestampNs, ByteBuf data, Slab slab, int bodyOffset, int bodyLength,
            int headerLength, int attempts) {
        if (slab != null) {
            slab.retain();
        }
        this.slab = slab;
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

    /**
     * The channel dropped the message (finished, dead-lettered, emptied, deleted, shut down): its
     * slab may go. Once per message; a second release throws rather than free a slab under
     * another holder.
     */
    void release() {
        if (slab == null) {
            return;
        }
        if (released) {
            throw new IllegalStateException("message seq " + seq + " released twice");
        }
        released = true;
        slab.release();
    }

    /** The payload, without the header block. */
    public byte[] body() {
        return bytes(bodyOffset + headerLength, bodyLength - headerLength);
    }

    /** The header block (u16 length included), empty when the message has none. */
    public byte[] headerBlock() {
        return bytes(bodyOffset, headerLength);
    }

    /** The stored body, header block included. */
    byte[] storedBody() {
        return bytes(bodyOffset, bodyLength);
    }

    private byte[] bytes(int from, int length) {
        byte[] out = new byte[length];
        data.getBytes(from, out);
        return out;
    }

    public int attempts() {
        return attempts;
    }
}
