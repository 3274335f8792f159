package io.nodeq.daemon.log;

import io.nodeq.daemon.log.CursorStore.CursorState;
import io.nodeq.daemon.log.CursorStore.Pending;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.roaringbitmap.longlong.LongIterator;
import org.roaringbitmap.longlong.Roaring64NavigableMap;

/**
 * The snapshot file of a {@link CursorStore}; pure. Finished seqs are stored as runs (they come in
 * runs: FINs of a window of in-flight messages, ranges finished by an import), in our own layout
 * rather than RoaringBitmap's serialization, so the file format does not move with the library.
 * <pre>
 *  0       4    5           13          21      25                       25+16R   29+16R
 *  +-------+----+-----------+-----------+-------+------------------------+--------+---------------------------------+--------+
 *  | "NQCS"|ver | ackFloor  | readSeq   | runs R| R x (from u64, to u64) | pend P | P x (seq u64, attempts u32, due u64) | crc32c |
 *  +-------+----+-----------+-----------+-------+------------------------+--------+---------------------------------+--------+
 *  big-endian; ver = 1; the CRC32C covers everything before it
 * </pre>
 */
final class CursorSnapshot {

    static final int MAGIC = 0x4E514353; // "NQCS"
    static final byte VERSION = 1;

    private CursorSnapshot() {
    }

    static byte[] encode(CursorState s) {
        long[] runs = runs(s.finished());
        int runCount = runs.length / 2;
        int size = 4 + 1 + 8 + 8 + 4 + runCount * 16 + 4 + s.pending().size() * 20 + 4;
        ByteBuffer b = ByteBuffer.allocate(size);
        b.putInt(MAGIC).put(VERSION).putLong(s.ackFloor()).putLong(s.readSeq()).putInt(runCount);
        for (long r : runs) {
            b.putLong(r);
        }
        b.putInt(s.pending().size());
        for (Map.Entry<Long, Pending> e : s.pending().entrySet()) {
            b.putLong(e.getKey()).putInt(e.getValue().attempts()).putLong(e.getValue().dueEpochMs());
        }
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, b.position());
        b.putInt((int) crc.getValue());
        return b.array();
    }

    /** Throws IllegalArgumentException when the bytes are not a whole, intact snapshot. */
    static CursorState decode(byte[] bytes) {
        if (bytes.length < 4 + 1 + 8 + 8 + 4 + 4 + 4) {
            throw new IllegalArgumentException("too short: " + bytes.length + " bytes");
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        if ((int) crc.getValue() != LogRecord.getInt(bytes, bytes.length - 4)) {
            throw new IllegalArgumentException("CRC mismatch");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, 0, bytes.length - 4);
        if (b.getInt() != MAGIC || b.get() != VERSION) {
            throw new IllegalArgumentException("not a version 1 cursor snapshot");
        }
        long floor = b.getLong();
        long read = b.getLong();
        int runs = b.getInt();
        if (runs < 0 || (long) runs * 16 > b.remaining()) {
            throw new IllegalArgumentException("bad run count " + runs);
        }
        Roaring64NavigableMap finished = new Roaring64NavigableMap();
        for (int i = 0; i < runs; i++) {
            long from = b.getLong();
            long to = b.getLong();
            if (from < 0 || to < from) {
                throw new IllegalArgumentException("bad run " + from + ".." + to);
            }
            finished.addRange(from, to + 1);
        }
        int count = b.getInt();
        if (count < 0 || (long) count * 20 != b.remaining()) {
            throw new IllegalArgumentException("bad pending count " + count);
        }
        NavigableMap<Long, Pending> pending = new TreeMap<>();
        for (int i = 0; i < count; i++) {
            pending.put(b.getLong(), new Pending(b.getInt(), b.getLong()));
        }
        return new CursorState(floor, read, finished, pending);
    }

    /** [from0, to0, from1, to1, ...] (inclusive) of the set's runs of consecutive values. */
    static long[] runs(Roaring64NavigableMap set) {
        long[] out = new long[16];
        int n = 0;
        LongIterator it = set.getLongIterator();
        long from = -1;
        long prev = -2;
        while (true) {
            boolean more = it.hasNext();
            long v = more ? it.next() : -1;
            if (from >= 0 && (!more || v != prev + 1)) {
                if (n + 2 > out.length) {
                    out = java.util.Arrays.copyOf(out, out.length * 2);
                }
                out[n++] = from;
                out[n++] = prev;
                from = -1;
            }
            if (!more) {
                return java.util.Arrays.copyOf(out, n);
            }
            if (from < 0) {
                from = v;
            }
            prev = v;
        }
    }
}
