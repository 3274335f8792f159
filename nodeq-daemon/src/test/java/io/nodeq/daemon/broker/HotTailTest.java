package io.nodeq.daemon.broker;

import io.netty.buffer.ByteBuf;
import io.netty.util.IllegalReferenceCountException;
import io.nodeq.daemon.log.LogRecord;
import io.nodeq.daemon.log.TopicLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The hot tail: records across slabs, eviction down to the capacity, rollback, the lane's regions,
 * and the direct-memory slabs' references (freed at the last release, loud after it).
 */
class HotTailTest {
    private final Slabs slabs = new Slabs();

    @AfterEach
    void freeTheSlabs() {
        slabs.freeAll(); // direct memory the test's tails still hold, counted against the process's limit
    }

    private static byte[] body(long seq, int size) {
        byte[] b = new byte[size];
        Arrays.fill(b, (byte) seq);
        return b;
    }

    /** A tail of {@code capacity} holding seqs 0 .. count-1, bodies of {@code size} bytes. */
    private HotTail filled(long capacity, int count, int size) {
        HotTail tail = new HotTail(slabs, capacity, 0);
        for (long seq = 0; seq < count; seq++) {
            tail.append(1000 + seq, seq, 0, body(seq, size), 0, size);
        }
        return tail;
    }

    private static void assertRecord(HotTail tail, long seq, int size) {
        ByteBuf a = tail.buf(seq);
        int off = tail.offset(seq);
        assertThat(LogRecord.seq(a, off)).isEqualTo(seq);
        assertThat(LogRecord.id(a, off)).isEqualTo(1000 + seq);
        assertThat(LogRecord.bodyLength(a, off)).isEqualTo(size);
        byte[] body = new byte[size];
        a.getBytes(LogRecord.bodyOffset(off), body);
        assertThat(body).isEqualTo(body(seq, size));
        // the copy is the same record, valid (its CRC computed over the header and the heap body)
        byte[] copy = tail.copy(seq);
        assertThat(LogRecord.valid(copy, 0, copy.length, copy.length)).isTrue();
        assertThat(LogRecord.seq(copy, 0)).isEqualTo(seq);
    }

    @Test
    void recordsSpanSlabsAndAreFoundBySeq() {
        HotTail tail = new HotTail(slabs, 1_000, 7);
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
    void theIndexFollowsTheTailAcrossItsPagesAsItGrowsShrinksAndIsCut() {
        // small records: thousands per slab, so the index pages (1024 entries) turn over many times
        HotTail tail = new HotTail(slabs, 1_500, 1_000);
        long seq = 1_000;
        for (int round = 0; round < 6; round++) {
            for (int i = 0; i < 2_100; i++, seq++) {
                tail.append(1000 + seq, seq, 0, body(seq, 16), 0, 16);
            }
            tail.evict(Long.MAX_VALUE);
            assertThat(tail.endSeq() - tail.startSeq()).isEqualTo(1_500);
            for (long s = tail.startSeq(); s < tail.endSeq(); s++) {
                assertRecord(tail, s, 16);
            }
        }
        // cut inside a page, then append past the cut: the seqs after it are new records
        long cut = tail.startSeq() + 700;
        tail.truncate(cut);
        assertThat(tail.endSeq()).isEqualTo(cut);
        for (long s = cut; s < cut + 3_000; s++) {
            tail.append(1000 + s, s, 0, body(s, 16), 0, 16);
        }
        for (long s = tail.startSeq(); s < tail.endSeq(); s++) {
            assertRecord(tail, s, 16);
        }
        // emptied, then started again at a seq in the middle of a page
        tail.reset(50_555);
        for (long s = 50_555; s < 53_000; s++) {
            tail.append(1000 + s, s, 0, body(s, 16), 0, 16);
        }
        for (long s = 50_555; s < 53_000; s++) {
            assertRecord(tail, s, 16);
        }
    }

    @Test
    void regionsFromASeqAreTheRecordsBackToBack() {
        int size = 400_000;
        HotTail tail = filled(1_000, 6, size);
        HotTail.Held held = tail.regionsFrom(2);
        List<TopicLog.Region> regions = held.regions();
        long total = regions.stream().mapToLong(TopicLog.Region::length).sum();
        assertThat(total).isEqualTo(4L * LogRecord.size(size));
        TopicLog.Region first = regions.get(0);
        assertThat(first.bytes().isDirect()).isTrue();
        assertThat(first.bytes().getLong(16)).isEqualTo(2); // the seq field of the first record
        assertThat(tail.regionsFrom(6).regions()).isEmpty();
        held.release();
    }

    @Test
    void evictionKeepsTheCapacityButNothingUnwritten() {
        HotTail tail = new HotTail(slabs, 3, 0);
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
        int size = 300_000;
        HotTail tail = filled(100, 8, size);
        tail.truncate(5);
        assertThat(tail.endSeq()).isEqualTo(5);
        assertThat(tail.contains(5)).isFalse();
        assertThat(tail.append(2000, 5, 0, body(5, 20), 0, 20)).isEqualTo(5);
        ByteBuf a = tail.buf(5);
        assertThat(LogRecord.id(a, tail.offset(5))).isEqualTo(2000);
        assertRecord(tail, 4, size);
        // regions after a truncation hold only the new record
        HotTail.Held held = tail.regionsFrom(5);
        assertThat(held.regions()).hasSize(1);
        assertThat(held.regions().get(0).length()).isEqualTo(LogRecord.size(20));
        held.release();
    }

    @Test
    void anEvictedSlabIsFreedAtItsLastRelease() {
        int size = 400_000;
        HotTail tail = filled(2, 6, size);
        assertThat(slabs.count()).isEqualTo(3);
        assertThat(slabs.bytes()).isEqualTo(3L * HotTail.SLAB_SIZE);
        Slab first = tail.slab(0);
        first.retain(); // a message read from it
        HotTail.Held write = tail.regionsFrom(0); // a lane write of all three
        tail.evict(6); // keeps 4, 5: the first two slabs leave the tail
        assertThat(tail.startSeq()).isEqualTo(4);
        assertThat(slabs.count()).isEqualTo(3); // still held by the write (and the message)
        write.release();
        assertThat(slabs.count()).isEqualTo(2); // the second slab had no other holder
        ByteBuf bytes = first.buf();
        assertThat(LogRecord.seq(bytes, 0)).isEqualTo(0); // still readable while held
        first.release();
        assertThat(slabs.count()).isEqualTo(1);
        assertThat(first.freed()).isTrue();
        // a stale reader is loud, never a crash or someone else's bytes; so is a release too many
        assertThatThrownBy(() -> LogRecord.seq(bytes, 0)).isInstanceOf(IllegalReferenceCountException.class);
        assertThatThrownBy(first::release).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(first::retain).isInstanceOf(IllegalStateException.class);
        tail.reset(6);
        assertThat(slabs.count()).isZero();
        assertThat(slabs.bytes()).isZero();
    }

    @Test
    void truncateAndResetReleaseTheTailsSlabs() {
        int size = 400_000;
        HotTail tail = filled(100, 6, size);
        tail.truncate(3); // the third slab (seqs 4, 5) goes, the second keeps seq 2
        assertThat(slabs.count()).isEqualTo(2);
        tail.reset(3);
        assertThat(slabs.count()).isZero();
        assertThat(slabs.freeAll()).isZero();
    }
}
