package io.nodeq.daemon.log;

import io.nodeq.daemon.log.CursorStore.CursorState;
import io.nodeq.daemon.log.CursorStore.Pending;
import java.util.NavigableMap;
import java.util.zip.CRC32C;
import org.roaringbitmap.longlong.Roaring64NavigableMap;

/**
 * Applies {@link CursorEvents} to a channel's cursor state: what {@link CursorStore#open} replays
 * from a journal, and what a shard may use to keep its own state in step. Owned by one thread.
 * <p>
 * Semantics: FIN adds the range to {@code finished} and drops it from {@code pending}, then the ack
 * floor advances while {@code finished} holds it (those seqs leave the set); REQUEUE puts the seq in
 * {@code pending} unless it is already finished; DELIVERED raises {@code readSeq}; FLOOR raises the ack
 * floor (and readSeq) and drops what is below it. Replaying a journal twice over the state it led to
 * changes nothing, which is why {@link CursorStore#snapshot} may crash between writing the snapshot
 * and emptying the journal.
 */
public final class CursorReplay {

    private long ackFloor;
    private long readSeq;
    private final Roaring64NavigableMap finished;
    private final NavigableMap<Long, Pending> pending;
    private final CRC32C crc = new CRC32C();

    /** Continues from {@code state}; its bitmap and map are updated in place. */
    public CursorReplay(CursorState state) {
        this.ackFloor = state.ackFloor();
        this.readSeq = state.readSeq();
        this.finished = state.finished();
        this.pending = state.pending();
    }

    /** {@code state} after the whole valid events in b[off, off + len); the bitmap and map are updated in place. */
    public static CursorState apply(CursorState state, byte[] b, int off, int len) {
        CursorReplay r = new CursorReplay(state);
        r.apply(b, off, len);
        return r.state();
    }

    /**
     * Applies the events in b[off, off + len) up to the first torn or corrupt one; returns the bytes
     * applied (len when all were good).
     */
    public int apply(byte[] b, int off, int len) {
        int p = off;
        int end = off + len;
        while (p < end) {
            byte type = b[p];
            int payload = CursorEvents.payloadSize(type);
            if (payload < 0 || end - p < 1 + payload + CursorEvents.CRC) {
                break;
            }
            crc.reset();
            crc.update(b, p, 1 + payload);
            if ((int) crc.getValue() != LogRecord.getInt(b, p + 1 + payload)) {
                break;
            }
            int q = p + 1;
            switch (type) {
                case CursorEvents.FIN -> fin(LogRecord.getLong(b, q), LogRecord.getLong(b, q + 8));
                case CursorEvents.REQUEUE -> requeue(LogRecord.getLong(b, q), LogRecord.getInt(b, q + 8),
                        LogRecord.getLong(b, q + 12));
                case CursorEvents.DELIVERED -> delivered(LogRecord.getLong(b, q));
                case CursorEvents.REWIND -> rewind(LogRecord.getLong(b, q));
                default -> floor(LogRecord.getLong(b, q));
            }
            p += 1 + payload + CursorEvents.CRC;
        }
        return p - off;
    }

    public void fin(long fromSeq, long toSeqInclusive) {
        long from = Math.max(fromSeq, ackFloor);
        if (from > toSeqInclusive) {
            return;
        }
        finished.addRange(from, toSeqInclusive + 1);
        pending.subMap(from, true, toSeqInclusive, true).clear();
        advanceFloor();
    }

    public void requeue(long seq, int attempts, long dueEpochMs) {
        if ((ackFloor >= 0 && seq < ackFloor) || finished.contains(seq)) {
            return; // finished wins: a FIN is final
        }
        pending.put(seq, new Pending(attempts, dueEpochMs));
    }

    public void delivered(long seq) {
        readSeq = Math.max(readSeq, seq);
    }

    public void floor(long seq) {
        if (seq <= ackFloor) {
            return;
        }
        ackFloor = seq;
        readSeq = Math.max(readSeq, seq);
        if (!finished.isEmpty() && finished.first() < seq) {
            removeRange(finished.first(), seq);
        }
        pending.headMap(seq).clear();
        advanceFloor();
    }

    public void rewind(long seq) {
        if (ackFloor < 0) {
            return; // no start yet: nothing was delivered to rewind
        }
        if (!finished.isEmpty() && finished.last() >= seq) {
            removeRange(Math.max(seq, finished.first()), finished.last() + 1);
        }
        ackFloor = Math.min(ackFloor, seq);
        readSeq = Math.min(readSeq, seq);
    }

    /** Moves the floor over the run of finished seqs that starts at it. */
    private void advanceFloor() {
        if (ackFloor < 0 || finished.isEmpty() || finished.first() != ackFloor) {
            return;
        }
        // everything below the floor is out of the set, so the run is [floor, floor + k) with the
        // largest k where rank(floor + k - 1) == k: a binary search instead of a walk over the run
        long lo = 1;
        long hi = finished.getLongCardinality();
        while (lo < hi) {
            long mid = lo + (hi - lo + 1) / 2;
            if (finished.rankLong(ackFloor + mid - 1) == mid) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        long newFloor = ackFloor + lo;
        removeRange(ackFloor, newFloor);
        ackFloor = newFloor;
        pending.headMap(newFloor).clear();
    }

    private void removeRange(long from, long toExclusive) {
        Roaring64NavigableMap range = new Roaring64NavigableMap();
        range.addRange(from, toExclusive);
        finished.andNot(range);
    }

    public CursorState state() {
        return new CursorState(ackFloor, readSeq, finished, pending);
    }
}
