package io.nodeq.daemon.log;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;

/**
 * Finds where a time falls in a topic's log: the first retained record stamped at or after it, for
 * a channel rewind. Records are appended in publish order with the broker clock's timestamps, so a
 * segment's first record says whether the time can be in an earlier segment: a binary search over
 * the segments' first records (one small read each), then a scan of the one segment that holds the
 * boundary. The scan never trusts order inside that segment: it stops at the first record at or
 * after the time, as the replay then delivers in log order from there.
 *
 * <p>Stateless; called on the log's disk lane (every read blocks).
 */
public final class TimeSeek {
    private static final int SCAN_RECORDS = 4096;
    private static final int SCAN_BYTES = 1 << 20;

    private TimeSeek() {
    }

    /** The seq of the first record with timestamp >= {@code timestampNs}, or -1 when every record is older. */
    public static long firstAtOrAfter(TopicLog log, long timestampNs) throws IOException {
        long[] bases = log.segmentBases();
        if (bases.length == 0) {
            return -1;
        }
        // first segment whose first record is at or after the time; the boundary is just before it
        int lo = 0;
        int hi = bases.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            long ts = firstTimestamp(log, bases[mid]);
            if (ts >= timestampNs || ts == Long.MIN_VALUE) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        if (lo > 0) {
            long end = lo < bases.length ? bases[lo] : log.nextSeq();
            long found = scan(log, bases[lo - 1], end, timestampNs);
            if (found >= 0) {
                return found;
            }
        }
        return lo < bases.length ? firstSeqFrom(log, bases[lo]) : -1;
    }

    /** The first record in [from, end) stamped at or after the time, or -1. */
    private static long scan(TopicLog log, long from, long end, long timestampNs) throws IOException {
        long seq = from;
        while (seq < end) {
            TopicLog.ReadBatch b = log.read(seq, SCAN_RECORDS, SCAN_BYTES);
            if (b == null) {
                return -1;
            }
            ByteBuf records = Unpooled.wrappedBuffer(b.bytes());
            for (int i = 0; i < b.count(); i++) {
                int off = b.offsets()[i];
                long s = LogRecord.seq(b.bytes(), off);
                if (s >= end) {
                    return -1;
                }
                if (LogRecord.timestampNs(records, off) >= timestampNs) {
                    return s;
                }
            }
            seq = b.lastSeq() + 1;
        }
        return -1;
    }

    /** The timestamp of the first record at or after {@code seq}; MIN_VALUE when there is none (an empty active segment). */
    private static long firstTimestamp(TopicLog log, long seq) throws IOException {
        TopicLog.ReadBatch b = log.read(seq, 1, 1);
        return b == null ? Long.MIN_VALUE : LogRecord.timestampNs(Unpooled.wrappedBuffer(b.bytes()), b.offsets()[0]);
    }

    private static long firstSeqFrom(TopicLog log, long seq) throws IOException {
        TopicLog.ReadBatch b = log.read(seq, 1, 1);
        return b == null ? -1 : b.firstSeq();
    }
}
