package io.nodeq.daemon.broker;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.nodeq.daemon.log.LogRecord;
import io.nodeq.daemon.log.TopicLog;
import io.nodeq.protocol.Headers;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Rebuilds a topic's dedup window at start from its log: the {@code Nodeq-Msg-Id} of every record
 * stamped within the window. A binary search on the records' timestamps finds where the window
 * starts, so a long log costs a few small reads plus the window itself. Records are stamped in seq
 * order by one shard, so their timestamps only go back if the wall clock did.
 *
 * <p>Stateless; runs on the topic's disk lane (blocking reads).
 */
final class DedupRecovery {
    private static final int BATCH_RECORDS = 4096;
    private static final int BATCH_BYTES = 1 << 20;

    private DedupRecovery() {
    }

    /** The keys of the records with a timestamp after {@code cutoffNs}, oldest first. */
    static List<DedupWindow.Key> keysSince(TopicLog log, long cutoffNs) throws IOException {
        List<DedupWindow.Key> keys = new ArrayList<>();
        long seq = firstAfter(log, cutoffNs);
        while (seq < log.nextSeq()) {
            TopicLog.ReadBatch b = log.read(seq, BATCH_RECORDS, BATCH_BYTES);
            if (b == null || b.count() == 0) {
                break;
            }
            byte[] a = b.bytes();
            ByteBuf records = Unpooled.wrappedBuffer(a);
            for (int i = 0; i < b.count(); i++) {
                int off = b.offsets()[i];
                long ts = LogRecord.timestampNs(records, off);
                if (ts > cutoffNs && LogRecord.headerLength(records, off) > 2) {
                    String key = Headers.find(a, LogRecord.bodyOffset(off), Headers.MSG_ID);
                    if (key != null) {
                        keys.add(new DedupWindow.Key(key, LogRecord.seq(a, off), ts));
                    }
                }
            }
            seq = b.lastSeq() + 1;
        }
        return keys;
    }

    /** The seq of the first record stamped after {@code cutoffNs} (nextSeq when none). */
    private static long firstAfter(TopicLog log, long cutoffNs) throws IOException {
        long lo = log.firstSeq();
        long hi = log.nextSeq();
        while (lo < hi) {
            long mid = lo + (hi - lo) / 2;
            TopicLog.ReadBatch b = log.read(mid, 1, 1);
            if (b == null || b.count() == 0) {
                hi = mid;
                continue;
            }
            long found = b.firstSeq(); // mid itself, or the next record after a gap
            if (found < hi && LogRecord.timestampNs(Unpooled.wrappedBuffer(b.bytes()), b.offsets()[0]) <= cutoffNs) {
                lo = found + 1;
            } else {
                hi = mid; // the scan from here skips anything stamped before the cutoff
            }
        }
        return lo;
    }
}
