package io.nodeq.daemon.broker;

import io.netty.buffer.ByteBuf;
import io.nodeq.daemon.log.LogRecord;
import io.nodeq.daemon.log.TopicLog;

import java.util.ArrayList;
import java.util.List;

/**
 * The newest records of a topic's log, in memory, shared by all its channels: encoded once, in
 * the log's own record format, into large direct-memory {@link Slab}s outside the Java heap, so a
 * queued message costs its record (40 bytes of header and the body) plus 8 bytes of index and no
 * object, and the collector sizes nothing in proportion to the queue. The same bytes are what the
 * disk lane writes to the log, so nothing is encoded or copied twice.
 *
 * <pre>
 *   slabs:  [ rec rec rec ... ][ rec rec ... ][ rec rec      ]   (1 MiB each, oldest dropped first)
 *   index:  seq startSeq .. endSeq-1  ->  slab number &lt;&lt; 32 | offset   (pages of 1024 entries)
 *           |--- written to the log ---|--- regions not yet handed to the lane ---|
 * </pre>
 *
 * It keeps at least {@code capacity} records (--mem-queue-size) once they are written; older
 * slabs leave the tail, and a channel that needs them reads the log on the disk lane. An ephemeral
 * topic has no log: what falls out of its tail is gone, as in NSQ. The tail holds one reference to
 * each of its slabs; a message a channel read from a slab ({@code Channel.message}) and a lane
 * write of a region hold one each, so a slab that left the tail lives on, unchanged, until they let
 * go (a requeued message is delivered from it again), and its memory goes back at the last release.
 *
 * <p>Owned by its topic's shard.
 */
final class HotTail {
    /** Bytes of one slab; a record larger than that gets a slab of its own size. */
    static final int SLAB_SIZE = 1 << 20;

    /** Regions of the tail handed to one lane write, and the references that keep their slabs until it finished. */
    record Held(List<TopicLog.Region> regions, List<Slab> slabs) {
        static final Held NONE = new Held(List.of(), List.of());

        /** The write finished (or will never run): its slabs may go. */
        void release() {
            for (Slab s : slabs) {
                s.release();
            }
        }
    }

    private final Slabs allocator;
    private final long capacity;
    private Slab[] slabs = new Slab[8];
    private int slabHead;
    private int slabCount;
    private long firstSlabNo;

    /** The header of the record being appended, before it goes into its slab. */
    private final byte[] scratch = new byte[LogRecord.HEADER];

    /**
     * The index in pages of {@link #PAGE} entries, a ring from page number {@link #firstPage}:
     * a growing tail adds pages and a shrinking one drops them, so no index is ever copied to a
     * bigger array (a doubling array of millions of entries was a humongous allocation and as much
     * garbage again each time).
     */
    private long[][] pages = new long[4][];
    private int pageHead;
    private int pageCount;
    private long firstPage;
    /** The last page dropped, reused by the next one added. */
    private long[] sparePage;
    private long startSeq;
    private long endSeq;

    HotTail(Slabs allocator, long capacity, long nextSeq) {
        this.allocator = allocator;
        this.capacity = capacity;
        this.startSeq = nextSeq;
        this.endSeq = nextSeq;
    }

    long startSeq() {
        return startSeq;
    }

    long endSeq() {
        return endSeq;
    }

    boolean contains(long seq) {
        return seq >= startSeq && seq < endSeq;
    }

    /** Appends one record without headers with the next seq; returns that seq. */
    long append(long id, long timestampNs, int deferMs, byte[] body, int bodyOff, int bodyLen) {
        return append(id, timestampNs, deferMs, 0, body, bodyOff, bodyLen);
    }

    /** Appends one record with the next seq and the record {@code flags}; returns that seq. */
    long append(long id, long timestampNs, int deferMs, int flags, byte[] body, int bodyOff, int bodyLen) {
        int size = LogRecord.size(bodyLen);
        Slab slab = slabCount == 0 ? null : slabs[(slabHead + slabCount - 1) % slabs.length];
        if (slab == null || slab.capacity() - slab.used < size) {
            slab = newSlab(Math.max(SLAB_SIZE, size));
        }
        long seq = endSeq;
        int off = slab.used;
        LogRecord.encode(slab.buf(), off, scratch, seq, id, timestampNs, deferMs, flags, body, bodyOff, bodyLen);
        slab.used += size;
        long slabNo = firstSlabNo + slabCount - 1;
        putIndex(seq, slabNo << 32 | off);
        endSeq = seq + 1;
        return seq;
    }

    private Slab newSlab(int size) {
        if (slabCount == slabs.length) {
            Slab[] bigger = new Slab[slabs.length * 2];
            for (int i = 0; i < slabCount; i++) {
                bigger[i] = slabs[(slabHead + i) % slabs.length];
            }
            slabs = bigger;
            slabHead = 0;
        }
        Slab s = allocator.allocate(size, endSeq);
        slabs[(slabHead + slabCount) % slabs.length] = s;
        slabCount++;
        return s;
    }

    private static final int PAGE_BITS = 10;
    private static final int PAGE = 1 << PAGE_BITS;

    private void putIndex(long seq, long pos) {
        long pageNo = seq >>> PAGE_BITS;
        if (pageCount == 0) {
            firstPage = pageNo;
            pageHead = 0;
        }
        int k = (int) (pageNo - firstPage);
        if (k >= pageCount) { // seqs come in order: the next page
            if (pageCount == pages.length) {
                long[][] bigger = new long[pages.length * 2][];
                for (int i = 0; i < pageCount; i++) {
                    bigger[i] = pages[(pageHead + i) & (pages.length - 1)];
                }
                pages = bigger;
                pageHead = 0;
            }
            long[] page = sparePage != null ? sparePage : new long[PAGE];
            sparePage = null;
            pages[(pageHead + pageCount) & (pages.length - 1)] = page;
            pageCount++;
        }
        pages[(pageHead + k) & (pages.length - 1)][(int) (seq & (PAGE - 1))] = pos;
    }

    private long pos(long seq) {
        int k = (int) ((seq >>> PAGE_BITS) - firstPage);
        return pages[(pageHead + k) & (pages.length - 1)][(int) (seq & (PAGE - 1))];
    }

    /** Drops the index pages wholly below {@code seq}. */
    private void dropPagesBelow(long seq) {
        while (pageCount > 0 && (firstPage + 1) << PAGE_BITS <= seq) {
            sparePage = pages[pageHead];
            pages[pageHead] = null;
            pageHead = (pageHead + 1) & (pages.length - 1);
            firstPage++;
            pageCount--;
        }
    }

    /** The slab holding the record of {@code seq} (which must be in the tail). */
    Slab slab(long seq) {
        long slabNo = pos(seq) >>> 32;
        return slabs[(int) ((slabHead + (slabNo - firstSlabNo)) % slabs.length)];
    }

    /** The bytes of the slab holding the record of {@code seq}. */
    ByteBuf buf(long seq) {
        return slab(seq).buf();
    }

    /** The offset of the record of {@code seq} in {@link #buf}. */
    int offset(long seq) {
        return (int) pos(seq);
    }

    /** A heap copy of the record of {@code seq}, at offset 0 (for the rare readers that work on arrays). */
    byte[] copy(long seq) {
        ByteBuf b = buf(seq);
        int off = offset(seq);
        byte[] out = new byte[LogRecord.recordSize(b, off)];
        b.getBytes(off, out);
        return out;
    }

    /**
     * The bytes of every record from {@code fromSeq} (in the tail) to the end, as one region per
     * slab, for the lane to write; each of those slabs gets a reference that {@link Held#release}
     * gives back once the write finished. Later appends go after them, so the regions stay as they are.
     */
    Held regionsFrom(long fromSeq) {
        if (fromSeq >= endSeq) {
            return Held.NONE;
        }
        List<TopicLog.Region> out = new ArrayList<>(2);
        List<Slab> held = new ArrayList<>(2);
        long slabNo = pos(fromSeq) >>> 32;
        int off = offset(fromSeq);
        for (long k = slabNo; k < firstSlabNo + slabCount; k++) {
            Slab slab = slabs[(int) ((slabHead + (k - firstSlabNo)) % slabs.length)];
            int from = k == slabNo ? off : 0;
            if (slab.used > from) {
                out.add(new TopicLog.Region(slab.nioView(from, slab.used - from)));
                slab.retain();
                held.add(slab);
            }
        }
        return new Held(out, held);
    }

    /**
     * Keeps the newest {@code capacity} records, never dropping one at or above {@code keepFrom}
     * (not yet written to the log). Records leave one by one; a slab's memory goes when its last
     * record has left.
     */
    void evict(long keepFrom) {
        long target = Math.min(endSeq - capacity, keepFrom);
        if (target > startSeq) {
            advanceStart(target);
            dropUnusedSlabs();
        }
    }

    /** Drops records from the oldest end until at most {@code capacity} remain (ephemeral topics); returns how many. */
    long evictOverflow() {
        long target = endSeq - capacity;
        if (target <= startSeq) {
            return 0;
        }
        long dropped = target - startSeq;
        advanceStart(target);
        dropUnusedSlabs();
        return dropped;
    }

    private void dropUnusedSlabs() {
        while (slabCount > 1 && slabs[(slabHead + 1) % slabs.length].firstSeq <= startSeq) {
            dropOldestSlab();
        }
        if (slabCount == 1 && startSeq == endSeq) {
            dropOldestSlab(); // everything left (--mem-queue-size 0): the next record starts a new slab
        }
    }

    private void dropOldestSlab() {
        slabs[slabHead].release();
        slabs[slabHead] = null;
        slabHead = (slabHead + 1) % slabs.length;
        slabCount--;
        firstSlabNo++;
        if (slabCount == 0) {
            slabHead = 0;
        }
    }

    private void advanceStart(long newStart) {
        startSeq = newStart;
        dropPagesBelow(newStart);
    }

    /** Forgets every record from {@code seq} on (a failed write): the tail ends at {@code seq}. */
    void truncate(long seq) {
        if (seq >= endSeq) {
            return;
        }
        if (seq <= startSeq) {
            reset(seq);
            return;
        }
        // drop whole slabs that start at or after seq, then shorten the last one
        while (slabCount > 0 && slabs[(slabHead + slabCount - 1) % slabs.length].firstSeq >= seq) {
            slabs[(slabHead + slabCount - 1) % slabs.length].release();
            slabs[(slabHead + slabCount - 1) % slabs.length] = null;
            slabCount--;
        }
        Slab last = slabs[(slabHead + slabCount - 1) % slabs.length];
        if ((pos(seq) >>> 32) == firstSlabNo + slabCount - 1) {
            int cut = offset(seq);
            last.used = cut;
        }
        endSeq = seq;
    }

    /** Empties the tail; the next record gets {@code nextSeq}. Its slabs go once nobody else holds them. */
    void reset(long nextSeq) {
        for (int i = 0; i < slabCount; i++) {
            slabs[(slabHead + i) % slabs.length].release();
        }
        java.util.Arrays.fill(slabs, null);
        slabHead = 0;
        slabCount = 0;
        firstSlabNo = 0;  // no index entry survives, so slab numbers may start again
        dropPagesBelow(Long.MAX_VALUE);
        startSeq = nextSeq;
        endSeq = nextSeq;
    }
}
