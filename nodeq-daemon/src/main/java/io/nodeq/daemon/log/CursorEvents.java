package io.nodeq.daemon.log;

import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Encodes one channel's cursor changes into a growable byte array, for {@link CursorStore#append}.
 * Owned by its shard (one per channel); the bytes are copied out by the append, then {@link #clear()}.
 * <p>
 * Each event is a small record; its CRC32C lets {@link CursorReplay} stop at a torn or corrupt tail:
 * <pre>
 *  0      1                              1+P       5+P
 *  +------+------------------------------+---------+
 *  | type | payload (fixed size per type)| crc32c  |   crc over type + payload, big-endian
 *  +------+------------------------------+---------+
 *  type 1 FIN        from u64, to u64 (inclusive)        P = 16
 *  type 2 REQUEUE    seq u64, attempts u32, dueEpochMs u64  P = 20
 *  type 3 DELIVERED  readSeq u64                         P = 8
 *  type 4 FLOOR      seq u64                             P = 8
 *  type 5 REWIND     seq u64                             P = 8
 * </pre>
 * A reader that meets a type it does not know stops there, as at a torn tail: a journal with REWIND
 * events must not be read by an older nodeq (it would lose the events after it).
 */
public final class CursorEvents {

    static final byte FIN = 1;
    static final byte REQUEUE = 2;
    static final byte DELIVERED = 3;
    static final byte FLOOR = 4;
    static final byte REWIND = 5;
    static final int CRC = 4;

    private final CRC32C crc = new CRC32C();
    private byte[] buf;
    private int size;

    public CursorEvents() {
        this(256);
    }

    public CursorEvents(int initialCapacity) {
        buf = new byte[Math.max(32, initialCapacity)];
    }

    /** The payload size of an event type, -1 for an unknown type. */
    static int payloadSize(byte type) {
        return switch (type) {
            case FIN -> 16;
            case REQUEUE -> 20;
            case DELIVERED, FLOOR, REWIND -> 8;
            default -> -1;
        };
    }

    /** Seqs from..to (inclusive) were finished; callers coalesce runs of consecutive seqs. */
    public void fin(long fromSeq, long toSeqInclusive) {
        if (fromSeq > toSeqInclusive || fromSeq < 0) {
            throw new IllegalArgumentException("bad FIN range " + fromSeq + ".." + toSeqInclusive);
        }
        int off = begin(FIN);
        LogRecord.putLong(buf, off, fromSeq);
        LogRecord.putLong(buf, off + 8, toSeqInclusive);
        end(off - 1, 16);
    }

    /** REQ or a timeout: seq is not finished, was delivered {@code attempts} times, is due at dueEpochMs (0 = now). */
    public void requeue(long seq, int attempts, long dueEpochMs) {
        int off = begin(REQUEUE);
        LogRecord.putLong(buf, off, seq);
        LogRecord.putInt(buf, off + 8, attempts);
        LogRecord.putLong(buf, off + 12, dueEpochMs);
        end(off - 1, 20);
    }

    /** Every seq < readSeq was delivered at least once. */
    public void delivered(long readSeq) {
        one(DELIVERED, readSeq);
    }

    /** Everything < seq is finished (a new channel's start, or the channel emptied). */
    public void floor(long seq) {
        one(FLOOR, seq);
    }

    /**
     * Everything from seq on is to be delivered again (a rewind): nothing at or above it is finished
     * any more, and nothing from it on counts as delivered. Pending seqs (in flight, requeued,
     * deferred) stay pending.
     */
    public void rewind(long seq) {
        if (seq < 0) {
            throw new IllegalArgumentException("bad REWIND seq " + seq);
        }
        one(REWIND, seq);
    }

    private void one(byte type, long value) {
        int off = begin(type);
        LogRecord.putLong(buf, off, value);
        end(off - 1, 8);
    }

    private int begin(byte type) {
        int need = size + 1 + 20 + CRC;
        if (need > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(need, buf.length * 2));
        }
        buf[size] = type;
        return size + 1;
    }

    private void end(int start, int payload) {
        crc.reset();
        crc.update(buf, start, 1 + payload);
        LogRecord.putInt(buf, start + 1 + payload, (int) crc.getValue());
        size = start + 1 + payload + CRC;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public int size() {
        return size;
    }

    /** The backing array: events in [0, size()). */
    public byte[] array() {
        return buf;
    }

    public void clear() {
        size = 0;
    }
}
