package io.nodeq.daemon.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * One segment file of a {@link TopicLog} and its sparse in-memory index (seq -> file offset, an entry
 * every {@link #INDEX_RECORDS} records or {@link #INDEX_BYTES} bytes, Kafka's offset index kept in
 * memory only: it is rebuilt by scanning, the last segment at open, older ones as reads pass through
 * them). Owned by its shard's disk lane, through its TopicLog.
 */
final class Segment {

    static final int INDEX_RECORDS = 4096;
    static final long INDEX_BYTES = 1 << 20;
    static final String SUFFIX = ".seg";

    final Path path;
    /** The seq of its first record, from its file name. */
    final long baseSeq;
    /** Opened lazily for older segments (read only); read + write for the active one. */
    FileChannel channel;
    /**
     * Bytes of records in it, its logical end: the file size (older), the write position (active).
     * Everything that measures a segment (reads, retention, sizeBytes) uses this, never the file length.
     */
    long size;
    /**
     * The file's length as this log left it: {@link #size} bytes of records, then zeros up to here
     * (preallocated, see TopicLog#preallocate). Equal to size for older segments, which are trimmed
     * when the log rolls past them.
     */
    long allocated;
    /** Where a bad record was met while reading (the rest is skipped), -1 when none. */
    long corruptAt = -1;
    /** Written since the last force. */
    boolean dirty;
    /** Writes so far: a background fsync marks the segment clean only when none came after it began. */
    long writes;
    /** A failed append could not be cut back: truncate to {@link #size} before the next write. */
    boolean needsTruncate;
    boolean deleted;
    /** Its newest record's timestamp once known exactly (retention), else Long.MIN_VALUE. */
    long newestTimestampNs = Long.MIN_VALUE;

    // the scanned prefix [0, scanPos) holds records known good; the index covers it
    long scanPos;
    long lastScannedSeq = -1;
    private long[] idxSeq = new long[4];
    private long[] idxPos = new long[4];
    private int idxCount;
    private int recordsSinceEntry;

    Segment(Path path, long baseSeq, long size) {
        this.path = path;
        this.baseSeq = baseSeq;
        this.size = size;
        this.allocated = size;
    }

    static String fileName(long baseSeq) {
        return String.format("%020d", baseSeq) + SUFFIX;
    }

    /** The seq a segment file name stands for, or -1 when it is not a segment's name. */
    static long parseName(String name) {
        if (name.length() != 20 + SUFFIX.length() || !name.endsWith(SUFFIX)) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < 20; i++) {
            char c = name.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
            if (v < 0) {
                return -1;
            }
        }
        return v;
    }

    /** The end of what can be read: the size, or where a bad record was found. */
    long readEnd() {
        return corruptAt >= 0 ? Math.min(corruptAt, size) : size;
    }

    boolean fullyScanned() {
        return scanPos >= readEnd();
    }

    /** Notes a good record at {@code pos}; extends the index when it is the next one past the scanned prefix. */
    void noteRecord(long pos, long seq, int recordSize) {
        if (pos != scanPos) {
            return;
        }
        if (idxCount == 0 || recordsSinceEntry >= INDEX_RECORDS || pos - idxPos[idxCount - 1] >= INDEX_BYTES) {
            if (idxCount == idxSeq.length) {
                idxSeq = Arrays.copyOf(idxSeq, idxCount * 2);
                idxPos = Arrays.copyOf(idxPos, idxCount * 2);
            }
            idxSeq[idxCount] = seq;
            idxPos[idxCount] = pos;
            idxCount++;
            recordsSinceEntry = 0;
        }
        recordsSinceEntry++;
        scanPos = pos + recordSize;
        lastScannedSeq = seq;
    }

    /** The offset of the last indexed record with seq <= {@code seq}: a scan for seq starts there. */
    long floorPosition(long seq) {
        int lo = 0;
        int hi = idxCount - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (idxSeq[mid] <= seq) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found < 0 ? 0 : idxPos[found];
    }

    /** A mark to {@link #rollback(long[])} the scan state to (an append that failed). */
    long[] mark() {
        return new long[]{scanPos, lastScannedSeq, idxCount, recordsSinceEntry, size};
    }

    void rollback(long[] mark) {
        scanPos = mark[0];
        lastScannedSeq = mark[1];
        idxCount = (int) mark[2];
        recordsSinceEntry = (int) mark[3];
        size = mark[4];
    }

    int indexEntries() {
        return idxCount;
    }

    void closeChannel() throws IOException {
        FileChannel ch = channel;
        channel = null;
        if (ch != null) {
            ch.close();
        }
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
