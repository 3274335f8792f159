package io.nodeq.daemon.log;

import static io.nodeq.daemon.log.LogTesting.append;
import static io.nodeq.daemon.log.LogTesting.range;
import static io.nodeq.daemon.log.LogTesting.readAll;
import static io.nodeq.daemon.log.LogTesting.records;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodeq.daemon.log.TopicLog.LogOptions;
import io.nodeq.daemon.log.TopicLog.ReadBatch;
import io.nodeq.daemon.log.TopicLog.Region;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopicLogTest {

    private static final int MAX_RECORD = 1 << 20;

    @TempDir
    Path tmp;

    private final FaultyFiles files = new FaultyFiles();

    private LogOptions opts(long maxBytesPerFile) {
        return new LogOptions(maxBytesPerFile, MAX_RECORD, files);
    }

    private List<Path> segmentFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".seg")).sorted().toList();
        }
    }

    /** The seq of the first record of each segment file, from the files themselves. */
    private List<Long> firstSeqs(Path dir) throws IOException {
        List<Long> out = new ArrayList<>();
        for (Path p : segmentFiles(dir)) {
            byte[] b = Files.readAllBytes(p);
            if (b.length > 0) {
                out.add(LogRecord.seq(b, 0));
                assertThat(p.getFileName().toString()).isEqualTo(String.format("%020d.seg", LogRecord.seq(b, 0)));
            }
        }
        return out;
    }

    /** A background sync marks only what was not written again since it began as clean. */
    @Test
    void aBackgroundSyncLeavesWhatWasWrittenSinceItBeganDirty() throws IOException {
        try (TopicLog log = TopicLog.open(tmp.resolve("log"), opts(1 << 20))) {
            log.append(List.of(Region.of(records(0, 1))));
            log.forceDirectories(); // the new segment's entry: a background sync leaves that to the lane
            BackgroundSync first = new BackgroundSync();
            log.addTo(first);
            log.append(List.of(Region.of(records(1, 2)))); // after the sync began
            first.fsync();
            first.synced();
            assertThat(log.dirty()).isTrue();

            BackgroundSync second = new BackgroundSync();
            log.addTo(second);
            int forces = files.forceCalls.get();
            second.fsync();
            second.synced();
            assertThat(files.forceCalls.get()).isEqualTo(forces + 1);
            assertThat(log.dirty()).isFalse();
            log.force(); // nothing left: no fsync
            assertThat(files.forceCalls.get()).isEqualTo(forces + 1);
        }
    }

    @Test
    void aNewLogIsEmpty() throws IOException {
        try (TopicLog log = TopicLog.open(tmp.resolve("log"), opts(1000))) {
            assertThat(log.firstSeq()).isZero();
            assertThat(log.nextSeq()).isZero();
            assertThat(log.sizeBytes()).isZero();
            assertThat(log.read(0, 10, 1000)).isNull();
            // the new directory's entry must reach the disk: its parent is fsynced once
            assertThat(log.dirty()).isTrue();
            log.force();
            assertThat(log.dirty()).isFalse();
            assertThat(files.dirSyncs.get()).isEqualTo(1);
            assertThat(files.forceCalls.get()).isZero();
            log.force();
            assertThat(files.dirSyncs.get()).isEqualTo(1);
        }
    }

    @Test
    void appendsAndReadsAcrossSegmentRolls() throws IOException {
        Path dir = tmp.resolve("log");
        try (TopicLog log = TopicLog.open(dir, opts(1000))) {
            append(log, 0, 50);
            // several records per region, and a region that spans a roll
            log.append(List.of(Region.of(records(50, 60)), Region.of(records(60, 61)), Region.of(records(61, 100))));
            assertThat(log.nextSeq()).isEqualTo(100);
            assertThat(log.firstSeq()).isZero();
            assertThat(log.segmentCount()).isGreaterThan(5);
            assertThat(readAll(log, 0, 7, 300)).isEqualTo(range(0, 100));
            assertThat(readAll(log, 0, 1000, 1 << 20)).isEqualTo(range(0, 100));
            long total = 0;
            for (Path p : segmentFiles(dir)) {
                long size = Files.size(p);
                assertThat(size).isLessThanOrEqualTo(1000);
                total += size;
            }
            assertThat(log.sizeBytes()).isEqualTo(total);
            assertThat(firstSeqs(dir)).hasSize(log.segmentCount());
        }
    }

    @Test
    void aRecordLargerThanASegmentGetsOneOfItsOwn() throws IOException {
        Path dir = tmp.resolve("log");
        try (TopicLog log = TopicLog.open(dir, opts(100))) {
            append(log, 0, 5);
            assertThat(segmentFiles(dir)).hasSize(5);
            assertThat(firstSeqs(dir)).containsExactly(0L, 1L, 2L, 3L, 4L);
            assertThat(readAll(log, 0, 10, 10)).isEqualTo(range(0, 5));
        }
    }

    @Test
    void oneAppendIsOneGatheringWritePerSegment() throws IOException {
        try (TopicLog log = TopicLog.open(tmp.resolve("log"), opts(1 << 20))) {
            List<Region> regions = new ArrayList<>();
            for (long s = 0; s < 100; s++) {
                regions.add(Region.of(records(s, s + 1)));
            }
            int before = files.writeCalls.get();
            log.append(regions);
            assertThat(files.writeCalls.get() - before).isEqualTo(1);
        }
    }

    @Test
    void readsStartAtTheFirstSeqAtOrAfterTheAskedOne() throws IOException {
        Path dir = tmp.resolve("log");
        try (TopicLog log = TopicLog.open(dir, opts(1000))) {
            append(log, 0, 100);
            for (long from : new long[]{57, 3, 99, 0, 42, 10}) {
                ReadBatch b = log.read(from, 5, 1 << 20);
                assertThat(b.firstSeq()).isEqualTo(from);
                // a batch ends at the end of a segment
                assertThat(b.count()).isBetween(1, 5);
                assertThat(b.lastSeq()).isEqualTo(from + b.count() - 1);
            }
            assertThat(log.read(100, 5, 1000)).isNull();
            assertThat(log.read(1000, 5, 1000)).isNull();
        }
        // a reopened log has no index for the older segments yet: reads build it
        try (TopicLog log = TopicLog.open(dir, opts(1000))) {
            assertThat(log.read(57, 1, 1).firstSeq()).isEqualTo(57);
            assertThat(log.read(13, 1, 1).firstSeq()).isEqualTo(13);
            assertThat(readAll(log, 31, 3, 1000)).isEqualTo(range(31, 100));
        }
    }

    @Test
    void readsSeekThroughTheSparseIndexAndContinueWhereTheLastEnded() throws IOException {
        Path dir = tmp.resolve("log");
        int n = 30_000; // records of 50..139 bytes: about 2.8 MB in one segment
        try (TopicLog log = TopicLog.open(dir, opts(1L << 30))) {
            for (long s = 0; s < n; s += 1000) {
                log.append(List.of(Region.of(records(s, s + 1000))));
            }
        }
        try (TopicLog log = TopicLog.open(dir, opts(1L << 30))) {
            long segment = log.sizeBytes();
            files.bytesRead.set(0);
            assertThat(log.read(25_000, 10, 1 << 20).firstSeq()).isEqualTo(25_000);
            // at most the 4096 records before an index entry, and the batch: not the segment
            assertThat(files.bytesRead.get()).isLessThan(4096 * 140 + 10 * 140 * 2 + 4096);
            ReadBatch b = log.read(2_000, 100, 1 << 20);
            files.bytesRead.set(0);
            // a sequential reader goes on from where its last batch ended
            ReadBatch next = log.read(b.lastSeq() + 1, 100, 1 << 20);
            assertThat(next.firstSeq()).isEqualTo(b.lastSeq() + 1);
            assertThat(files.bytesRead.get()).isLessThan(100 * 140 * 2 + 4096);
            assertThat(files.bytesRead.get()).isLessThan(segment / 50);
        }
    }

    @Test
    void maxBytesBoundsABatchButOneRecordAlwaysComes() throws IOException {
        try (TopicLog log = TopicLog.open(tmp.resolve("log"), opts(1 << 20))) {
            append(log, 0, 100);
            ReadBatch one = log.read(0, 100, 1);
            assertThat(one.count()).isEqualTo(1);
            ReadBatch some = log.read(0, 100, 500);
            assertThat(some.bytes().length).isLessThanOrEqualTo(500);
            assertThat(some.count()).isGreaterThan(1);
            assertThat(log.read(0, 100, 1 << 20).count()).isEqualTo(100);
        }
    }

    @Test
    void aRecordLargerThanTheReadBufferIsRead() throws IOException {
        try (TopicLog log = TopicLog.open(tmp.resolve("log"), opts(1 << 20))) {
            byte[] big = new byte[300_000];
            big[299_999] = 9;
            byte[] rec = new byte[LogRecord.size(big.length)];
            LogRecord.encode(rec, 0, 0, 1, 2, 0, big, 0, big.length);
            log.append(List.of(Region.of(rec)));
            append(log, 1, 3);
            ReadBatch b = log.read(0, 10, 1000);
            assertThat(b.count()).isEqualTo(1);
            assertThat(b.bytes()).isEqualTo(rec);
            assertThat(log.read(1, 10, 1000).firstSeq()).isEqualTo(1);
        }
    }

    @Test
    void reopenContinuesTheSeqs() throws IOException {
        Path dir = tmp.resolve("log");
        try (TopicLog log = TopicLog.open(dir, opts(1000))) {
            append(log, 0, 30);
            log.force();
        }
        try (TopicLog log = TopicLog.open(dir, opts(1000))) {
            assertThat(log.nextSeq()).isEqualTo(30);
            assertThat(log.firstSeq()).isZero();
            assertThatThrownBy(() -> append(log, 0, 1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> append(log, 31, 32)).isInstanceOf(IllegalArgumentException.class);
            append(log, 30, 60);
            assertThat(readAll(log, 0, 1000, 1 << 20)).isEqualTo(range(0, 60));
        }
    }

    @Test
    void aBadAppendWritesNothing() throws IOException {
        try (TopicLog log = TopicLog.open(tmp.resolve("log"), opts(1000))) {
            append(log, 0, 3);
            byte[] gap = records(3, 5);
            byte[] torn = java.util.Arrays.copyOf(records(3, 4), 20);
            long size = log.sizeBytes();
            assertThatThrownBy(() -> log.append(List.of(Region.of(records(3, 4)), Region.of(records(5, 6)))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected 4");
            assertThatThrownBy(() -> log.append(List.of(new Region(gap, 0, gap.length - 1))))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> log.append(List.of(Region.of(torn)))).isInstanceOf(IllegalArgumentException.class);
            assertThat(log.sizeBytes()).isEqualTo(size);
            assertThat(log.nextSeq()).isEqualTo(3);
        }
    }

    @Test
    void forceSyncsOnlyWhatIsDirty() throws IOException {
        try (TopicLog log = TopicLog.open(tmp.resolve("log"), opts(1000))) {
            log.force(); // the new directory
            files.dirSyncs.set(0);
            log.force();
            assertThat(files.forceCalls.get() + files.dirSyncs.get()).isZero();
            append(log, 0, 30); // rolls: several segments to sync, and the directory
            assertThat(log.dirty()).isTrue();
            log.force();
            assertThat(log.dirty()).isFalse();
            assertThat(files.forceCalls.get()).isEqualTo(log.segmentCount());
            assertThat(files.dirSyncs.get()).isEqualTo(1);
            log.force();
            assertThat(files.forceCalls.get()).isEqualTo(log.segmentCount());
            int forces = files.forceCalls.get();
            append(log, 30, 31);
            log.force();
            assertThat(files.forceCalls.get()).isEqualTo(forces + 1);
        }
    }

    @Test
    void deleteBeforeRemovesWholeSegmentsButNeverTheActiveOne() throws IOException {
        Path dir = tmp.resolve("log");
        try (TopicLog log = TopicLog.open(dir, opts(1000))) {
            append(log, 0, 100);
            List<Long> firsts = firstSeqs(dir);
            assertThat(log.deleteBefore(firsts.get(1) - 1)).isZero();
            assertThat(log.deleteBefore(firsts.get(2))).isEqualTo(2);
            assertThat(log.firstSeq()).isEqualTo(firsts.get(2));
            assertThat(log.read(0, 1, 1000).firstSeq()).isEqualTo(firsts.get(2));
            assertThat(readAll(log, 0, 1000, 1 << 20)).isEqualTo(range(firsts.get(2), 100));
            assertThat(log.deleteBefore(Long.MAX_VALUE)).isEqualTo(firsts.size() - 3);
            assertThat(segmentFiles(dir)).hasSize(1);
            long last = firsts.get(firsts.size() - 1);
            assertThat(log.firstSeq()).isEqualTo(last);
            assertThat(log.sizeBytes()).isEqualTo(Files.size(segmentFiles(dir).get(0)));
            log.force();
        }
        try (TopicLog log = TopicLog.open(dir, opts(1000))) {
            assertThat(log.nextSeq()).isEqualTo(100);
            append(log, 100, 101);
        }
    }

    @Test
    void aTruncatedLastRecordIsCutAtOpen() throws IOException {
        Path dir = tmp.resolve("log");
        try (TopicLog log = TopicLog.open(dir, opts(1 << 20))) {
            append(log, 0, 10);
        }
        Path seg = segmentFiles(dir).get(0);
        long full = Files.size(seg);
        FaultyFiles.truncate(seg, 5);
        try (TopicLog log = TopicLog.open(dir, opts(1 << 20))) {
            assertThat(log.nextSeq()).isEqualTo(9);
            assertThat(Files.size(seg)).isEqualTo(full - LogRecord.size(LogTesting.body(9).length));
            append(log, 9, 12);
            assertThat(readAll(log, 0, 100, 1 << 20)).isEqualTo(range(0, 12));
        }
    }

    @Test
    void aFileCutInsideAHeaderIsCut() throws IOException {
        Path dir = tmp.resolve("log");
        try (TopicLog log = TopicLog.open(dir, opts(1 << 20))) {
            append(log, 0, 2);
        }
        Path seg = segmentFiles(dir).get(0);
        long first = LogRecord.size(LogTesting.body(0).length);
        // 10 bytes of the next header: its length (whose high bytes are zeros) and part of its CRC; a
        // tail of zeros alone would be preallocated space, the log's clean end (PreallocationTest)
        FaultyFiles.truncate(seg, Files.size(seg) - first - 10);
        try (TopicLog log = TopicLog.open(dir, opts(1 << 20))) {
            assertThat(log.nextSeq()).isEqualTo(1);
            assertThat(Files.size(seg)).isEqualTo(first);
        }
    }

    @Test
    void aFlippedByteInTheLastSegmentCutsFromThatRecord() throws IOException {
        Path dir = tmp.resolve("log");
        try (TopicLog log = TopicLog.open(dir, opts(1 << 20))) {
            append(log, 0, 10);
        }
        Path seg = segmentFiles(dir).get(0);
        long off7 = records(0, 7).length;
        FaultyFiles.flip(seg, off7 + LogRecord.HEADER + 2);
        try (TopicLog log = TopicLog.open(dir, opts(1 << 20))) {
            assertThat(log.nextSeq()).isEqualTo(7);
            assertThat(Files.size(seg)).isEqualTo(off7);
            assertThat(readAll(log, 0, 100, 1 << 20)).isEqualTo(range(0, 7));
            append(log, 7, 9);
        }
    }

    @Test
    void aFlippedByteAnywhereInTheLastSegmentCutsExactlyFromItsRecord() throws IOException {
        Path dir = tmp.resolve("log");
        try (TopicLog log = TopicLog.open(dir, opts(1 << 20))) {
            append(log, 0, 4);
        }
        Path seg = segmentFiles(dir).get(0);
        byte[] pristine = Files.readAllBytes(seg);
        long[] starts = {0, records(0, 1).length, records(0, 2).length, records(0, 3).length, pristine.length};
        for (int off = 0; off < pristine.length; off++) {
            Files.write(seg, pristine);
            FaultyFiles.flip(seg, off);
            int record = 0;
            while (starts[record + 1] <= off) {
                record++;
            }
            try (TopicLog log = TopicLog.open(dir, opts(1 << 20))) {
                assertThat(log.nextSeq()).as("flipped byte %d", off).isEqualTo(record);
                assertThat(Files.size(seg)).isEqualTo(starts[record]);
            }
        }
    }

    @Test
    void aFailedForceStaysDirtyAndIsRetried() throws IOException {
        try (TopicLog log = TopicLog.open(tmp.resolve("log"), opts(1000))) {
            append(log, 0, 30);
            files.failForce = true;
            assertThatThrownBy(log::force).isInstanceOf(IOException.class);
            assertThat(log.dirty()).isTrue();
            files.failForce = false;
            int before = files.forceCalls.get();
            log.force();
            assertThat(log.dirty()).isFalse();
            assertThat(files.forceCalls.get() - before).isEqualTo(log.segmentCount());
        }
    }

    @Test
    void aFlippedByteInAnOlderSegmentSkipsTheRestOfIt() throws IOException {
        Path dir = tmp.resolve("log");
        try (TopicLog log = TopicLog.open(dir, opts(1000))) {
            append(log, 0, 60);
        }
        List<Long> firsts = firstSeqs(dir);
        Path second = segmentFiles(dir).get(1);
        long base = firsts.get(1);
        long badSeq = base + 2;
        // the byte flipped is in record badSeq's id
        FaultyFiles.flip(second, records(base, badSeq).length + 24 + 7);
        try (TopicLog log = TopicLog.open(dir, opts(1000))) {
            assertThat(log.nextSeq()).isEqualTo(60); // older segments are trusted at open
            List<Long> expected = new ArrayList<>(range(0, badSeq));
            expected.addAll(range(firsts.get(2), 60));
            assertThat(readAll(log, 0, 3, 1 << 20)).isEqualTo(expected);
            assertThat(readAll(log, 0, 1000, 1 << 20)).isEqualTo(expected);
            assertThat(log.read(badSeq, 10, 1000).firstSeq()).isEqualTo(firsts.get(2));
        }
    }

    @Test
    void aMissingSegmentIsAGapReadsJumpOver() throws IOException {
        Path dir = tmp.resolve("log");
        try (TopicLog log = TopicLog.open(dir, opts(1000))) {
            append(log, 0, 60);
        }
        List<Long> firsts = firstSeqs(dir);
        Files.delete(segmentFiles(dir).get(2));
        try (TopicLog log = TopicLog.open(dir, opts(1000))) {
            List<Long> expected = new ArrayList<>(range(0, firsts.get(2)));
            expected.addAll(range(firsts.get(3), 60));
            assertThat(readAll(log, 0, 4, 1 << 20)).isEqualTo(expected);
            assertThat(log.read(firsts.get(2) + 1, 10, 1000).firstSeq()).isEqualTo(firsts.get(3));
            append(log, 60, 61);
        }
    }

    @Test
    void aFullDiskRefusesTheAppendAndChangesNothing() throws IOException {
        Path dir = tmp.resolve("log");
        try (TopicLog log = TopicLog.open(dir, opts(1000))) {
            append(log, 0, 5);
            long size = log.sizeBytes();
            List<Path> segs = segmentFiles(dir);
            files.diskFull = true;
            assertThatThrownBy(() -> append(log, 5, 10)).isInstanceOf(IOException.class).hasMessage(FaultyFiles.ENOSPC);
            assertThat(log.nextSeq()).isEqualTo(5);
            assertThat(log.sizeBytes()).isEqualTo(size);
            files.spaceReturns();
            // the disk fills up part way: through a roll, and inside a record
            files.failAfterBytes(records(5, 12).length + 10);
            assertThatThrownBy(() -> append(log, 5, 30)).isInstanceOf(IOException.class);
            assertThat(log.nextSeq()).isEqualTo(5);
            assertThat(log.sizeBytes()).isEqualTo(size);
            assertThat(segmentFiles(dir)).isEqualTo(segs);
            assertThat(Files.size(segs.get(segs.size() - 1))).isEqualTo(size);
            assertThat(readAll(log, 0, 100, 1 << 20)).isEqualTo(range(0, 5));
            files.spaceReturns();
            append(log, 5, 30);
            assertThat(readAll(log, 0, 100, 1 << 20)).isEqualTo(range(0, 30));
            log.force();
        }
        try (TopicLog log = TopicLog.open(dir, opts(1000))) {
            assertThat(log.nextSeq()).isEqualTo(30);
            assertThat(readAll(log, 0, 100, 1 << 20)).isEqualTo(range(0, 30));
        }
    }

    @Test
    void aFullDiskOnTheFirstAppendLeavesNoFile() throws IOException {
        Path dir = tmp.resolve("log");
        try (TopicLog log = TopicLog.open(dir, opts(1000))) {
            files.diskFull = true;
            assertThatThrownBy(() -> append(log, 0, 1)).isInstanceOf(IOException.class);
            assertThat(segmentFiles(dir)).isEmpty();
            assertThat(log.read(0, 1, 1)).isNull();
            files.spaceReturns();
            append(log, 0, 1);
            assertThat(readAll(log, 0, 1, 1000)).containsExactly(0L);
        }
    }

    @Test
    void logsOfOneLaneShareItsReadBufferButNotTheirBatches() throws IOException {
        try (TopicLog a = TopicLog.open(tmp.resolve("a"), opts(1 << 20));
             TopicLog b = TopicLog.open(tmp.resolve("b"), opts(1 << 20))) {
            append(a, 0, 20);
            append(b, 0, 20);
            ReadBatch fromA = a.read(0, 20, 1 << 20);
            byte[] copy = fromA.bytes().clone();
            b.read(5, 20, 1 << 20);
            assertThat(fromA.bytes()).isEqualTo(copy);
            assertThat(readAll(a, 0, 3, 1000)).isEqualTo(range(0, 20));
            assertThat(readAll(b, 0, 20, 1 << 20)).isEqualTo(range(0, 20));
        }
    }

    @Test
    void deleteRemovesEverything() throws IOException {
        Path dir = tmp.resolve("log");
        TopicLog log = TopicLog.open(dir, opts(1000));
        append(log, 0, 30);
        log.delete();
        assertThat(dir).doesNotExist();
    }
}
