package io.nodeq.daemon.broker;

import io.nodeq.daemon.log.LogRecord;
import io.nodeq.daemon.log.TopicLog;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The hot tail: records across slabs, eviction down to the capacity, rollback, and the lane's regions. */
class HotTailTest {

    private static byte[] body(long seq, int size) {
        byte[] b = new byte[size];
        Arrays.fill(b, (byte) seq);
        return b;
    }

    private static void assertRecord(HotTail tail, long seq, int size) {
        byte[] a = tail.array(seq);
        int off = tail.offset(seq);
        assertThat(LogRecord.seq(a, off)).isEqualTo(seq);
        assertThat(LogRecord.id(a, off)).isEqualTo(1000 + seq);
        assertThat(LogRecord.bodyLength(a, off)).isEqualTo(size);
        assertThat(Arrays.copyOfRange(a, LogRecord.bodyOffset(off), LogRecord.bodyOffset(off) + size))
                .isEqualTo(body(seq, size));
    }

    @Test
    void recordsSpanSlabsAndAreFoundBySeq() {
        HotTail tail = new HotTail(1_000, 7);
        int size = 300_000; // three records a slab
        for (long seq = 7; seq < 17; seq++) {
            assertThat(tail.append(1000 + seq, seq, 0, body(seq, size), 0, size)).isEqualTo(seq);
        }
        assertThat(tail.startSeq()).isEqualTo(7);
        assertThat(tail.endSeq()).isEqualTo(17);
        for (long seq = 7; seq < 17; seq++) {
            assertRecord(tail, seq, size);
        }
        // a record larger than a slab gets one of its own
        int big = HotTail.SLAB_SIZE + 10;
        tail.append(1017, 17, 0, body(17, big), 0, big);
        assertRecord(tail, 17, big);
    }

    @Test
    void regionsFromASeqAreTheRecordsBackToBack() {
        HotTail tail = new HotTail(1_000, 0);
        int size = 400_000;
        for (long seq = 0; seq < 6; seq++) {
            tail.append(1000 + seq, seq, 0, body(seq, size), 0, size);
        }
        List<TopicLog.Region> regions = tail.regionsFrom(2);
        long total = regions.stream().mapToLong(TopicLog.Region::length).sum();
        assertThat(total).isEqualTo(4L * LogRecord.size(size));
        TopicLog.Region first = regions.get(0);
        assertThat(LogRecord.seq(first.array(), first.offset())).isEqualTo(2);
        assertThat(tail.regionsFrom(6)).isEmpty();
    }

    @Test
    void evictionKeepsTheCapacityButNothingUnwritten() {
        HotTail tail = new HotTail(3, 0);
        for (long seq = 0; seq < 10; seq++) {
            tail.append(1000 + seq, seq, 0, body(seq, 10), 0, 10);
        }
        tail.evict(4); // only 0..3 are written
        assertThat(tail.startSeq()).isEqualTo(4);
        tail.evict(10);
        assertThat(tail.startSeq()).isEqualTo(7);
        assertThat(tail.contains(6)).isFalse();
        assertThat(tail.contains(7)).isTrue();
        assertRecord(tail, 9, 10);
    }

    @Test
    void truncateForgetsTheTailAndTheNextAppendReusesItsSeqs() {
        HotTail tail = new HotTail(100, 0);
        int size = 300_000;
        for (long seq = 0; seq < 8; seq++) {
            tail.append(1000 + seq, seq, 0, body(seq, size), 0, size);
        }
        tail.truncate(5);
        assertThat(tail.endSeq()).isEqualTo(5);
        assertThat(tail.contains(5)).isFalse();
        assertThat(tail.append(2000, 5, 0, body(5, 20), 0, 20)).isEqualTo(5);
        byte[] a = tail.array(5);
        assertThat(LogRecord.id(a, tail.offset(5))).isEqualTo(2000);
        assertRecord(tail, 4, size);
        // regions after a truncation hold only the new record
        assertThat(tail.regionsFrom(5)).hasSize(1);
        assertThat(tail.regionsFrom(5).get(0).length()).isEqualTo(LogRecord.size(20));
    }
}
