package io.nodeq.daemon.broker;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.nio.ByteBuffer;

/**
 * One block of a topic's {@link HotTail}: log records back to back in direct memory, outside the
 * Java heap, so the queued bytes cost what they are and not what a collector sizes in proportion
 * to them. Freed explicitly when its last holder lets go:
 *
 * <pre>
 *   holders:  the tail (while the slab is in it)  +  each Message read from it (until the
 *             channel drops the message)  +  each lane write of a region of it (until the
 *             shard hears the write finished)
 *   refs 0 ──► the direct memory goes back at once
 * </pre>
 *
 * The buffer is an unpooled Netty ByteBuf, never a pooled one: a released pooled buffer is recycled,
 * and a stale reference would silently read someone else's bytes; this one throws
 * {@code IllegalReferenceCountException} from every accessor once freed. A release too many throws
 * too, so a bookkeeping error is loud rather than a free under a holder's feet.
 *
 * <p>Owned by its topic's shard (its count is a plain int); only the lane reads the bytes of a
 * region it was handed, holding a reference meanwhile.
 */
final class Slab {
    private final Slabs owner;
    private final ByteBuf buf;
    final long firstSeq;
    /** Bytes of records written so far, from 0. */
    int used;
    private int refs = 1;

    /** A slab with one reference (its creator's); only {@link Slabs#allocate}. */
    Slab(Slabs owner, int size, long firstSeq) {
        this.owner = owner;
        this.buf = Unpooled.directBuffer(size, size);
        this.firstSeq = firstSeq;
    }

    /** The records; throws {@code IllegalReferenceCountException} from every accessor once the slab is freed. */
    ByteBuf buf() {
        return buf;
    }

    int capacity() {
        return buf.capacity(); // still answers once freed
    }

    /** A view of [from, from + length) for a lane write; only while a reference is held for that write. */
    ByteBuffer nioView(int from, int length) {
        return buf.nioBuffer(from, length);
    }

    boolean freed() {
        return refs == 0;
    }

    void retain() {
        if (refs <= 0) {
            throw new IllegalStateException("slab of seq " + firstSeq + " retained after it was freed");
        }
        refs++;
    }

    void release() {
        if (refs <= 0) {
            throw new IllegalStateException("slab of seq " + firstSeq + " released more often than retained");
        }
        if (--refs == 0) {
            free();
        }
    }

    /** Frees the memory now, whatever the count (shutdown: see {@link Slabs#freeAll}). */
    void free() {
        refs = 0;
        if (buf.refCnt() > 0) {
            buf.release();
            owner.freed(this);
        }
    }
}
