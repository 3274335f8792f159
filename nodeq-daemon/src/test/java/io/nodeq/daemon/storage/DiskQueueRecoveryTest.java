package io.nodeq.daemon.storage;

import static io.nodeq.daemon.storage.Records.drain;
import static io.nodeq.daemon.storage.Records.files;
import static io.nodeq.daemon.storage.Records.payload;
import static io.nodeq.daemon.storage.Records.range;
import static io.nodeq.daemon.storage.Records.sizeOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unclean stops and damaged files (nsq-disk-queue.md §2.6). A "crash" is dropping the queue unclosed. */
class DiskQueueRecoveryTest {

    /** Large syncEvery so that only explicit syncs persist anything. */
    private static final DiskQueueOptions OPTS = DiskQueueOptions.DEFAULTS.withSyncEvery(1_000_000);

    @TempDir
    Path dir;

    @Test
    void crashWithoutAnySyncLosesNothingWritten() throws Exception {
        DiskQueue crashed = DiskQueue.open(dir, "t", OPTS);
        for (int i = 0; i < 100; i++) {
            crashed.put(payload(i, sizeOf(i)));
        }
        assertThat(dir.resolve("t.diskqueue.meta.dat")).doesNotExist();
        byte[] before = Files.readAllBytes(dir.resolve("t.diskqueue.000000.dat"));

        try (DiskQueue q = DiskQueue.open(dir, "t", OPTS)) {
            assertThat(q.depth()).isEqualTo(100);
            q.put(payload(100, 50));
            // the old segment is never written to again
            assertThat(Files.readAllBytes(dir.resolve("t.diskqueue.000000.dat"))).isEqualTo(before);
            assertThat(drain(q)).isEqualTo(range(0, 101));
            assertThat(q.depth()).isZero();
        }
    }

    @Test
    void crashAfterSyncRedeliversUnsyncedReadsAndKeepsLaterWrites() throws Exception {
        DiskQueue crashed = DiskQueue.open(dir, "t", OPTS);
        for (int i = 0; i < 100; i++) {
            crashed.put(payload(i, sizeOf(i)));
        }
        crashed.read(30);
        crashed.sync(); // persisted: 70 left, reader at record 30
        crashed.read(20); // consumed after the sync: delivered again after the crash (at-least-once)
        for (int i = 100; i < 150; i++) {
            crashed.put(payload(i, sizeOf(i))); // written after the sync
        }

        try (DiskQueue q = DiskQueue.open(dir, "t", OPTS)) {
            assertThat(q.depth()).isEqualTo(120);
            assertThat(drain(q)).isEqualTo(range(30, 150));
            assertThat(q.depth()).isZero();
        }
    }

    @Test
    void writerSkipsToANewSegmentWhenWritePosIsBelowTheFileSize() throws Exception {
        DiskQueue crashed = DiskQueue.open(dir, "t", OPTS);
        for (int i = 0; i < 10; i++) {
            crashed.put(payload(i, 40));
        }
        crashed.sync();
        crashed.put(payload(10, 40));
        Path seg0 = dir.resolve("t.diskqueue.000000.dat");
        byte[] before = Files.readAllBytes(seg0);
        assertThat(before).hasSize(11 * 44);

        try (DiskQueue q = DiskQueue.open(dir, "t", OPTS)) {
            assertThat(meta()).isEqualTo("11\n0,0\n1,0\n");
            q.put(payload(11, 40));
            assertThat(Files.readAllBytes(seg0)).isEqualTo(before);
            assertThat(Files.size(dir.resolve("t.diskqueue.000001.dat"))).isEqualTo(44);
            assertThat(drain(q)).isEqualTo(range(0, 12));
        }
    }

    @Test
    void repeatedCrashesAcrossManySegmentsNeverOverwrite() throws Exception {
        DiskQueueOptions opts = OPTS.withMaxBytesPerFile(1000);
        int n = 0;
        for (int life = 0; life < 4; life++) {
            DiskQueue crashed = DiskQueue.open(dir, "t", opts);
            if (life == 1) {
                crashed.sync();
            }
            for (int k = 0; k < 60; k++, n++) {
                crashed.put(payload(n, sizeOf(n)));
            }
            assertThat(crashed.depth()).isEqualTo(n);
        }
        // the last life never synced: its metadata is from an earlier life, later segments exist
        try (DiskQueue q = DiskQueue.open(dir, "t", opts)) {
            assertThat(q.depth()).isEqualTo(n);
            assertThat(drain(q)).isEqualTo(range(0, n));
        }
    }

    @Test
    void missingMetadataStartsAtTheOldestSegment() throws Exception {
        DiskQueueOptions opts = OPTS.withMaxBytesPerFile(1000);
        try (DiskQueue q = DiskQueue.open(dir, "t", opts)) {
            for (int i = 0; i < 100; i++) {
                q.put(payload(i, sizeOf(i)));
            }
            q.read(40); // deletes the first few segments
        }
        Files.delete(dir.resolve("t.diskqueue.meta.dat"));
        try (DiskQueue q = DiskQueue.open(dir, "t", opts)) {
            long depth = q.depth();
            List<Integer> got = drain(q);
            assertThat(depth).isEqualTo(got.size());
            // everything from the oldest remaining segment on: records 40..99 and nothing lost after them
            assertThat(got.get(got.size() - 1)).isEqualTo(99);
            assertThat(got).containsAll(range(40, 100));
            assertThat(got).isSorted();
            assertThat(q.depth()).isZero();
        }
    }

    @Test
    void garbageLengthRenamesTheSegmentBadAndReadingContinuesWithTheNext() throws Exception {
        DiskQueueOptions opts = OPTS.withMaxBytesPerFile(500);
        List<List<Integer>> perSegment = fillSegments(opts, 40);
        Path seg1 = dir.resolve("t.diskqueue.000001.dat");
        try (RandomAccessFile f = new RandomAccessFile(seg1.toFile(), "rw")) {
            f.writeInt(0x7fff0000); // first length of segment 1
        }
        try (DiskQueue q = DiskQueue.open(dir, "t", opts)) {
            List<Integer> expected = new ArrayList<>(perSegment.get(0));
            perSegment.stream().skip(2).forEach(expected::addAll);
            assertThat(drain(q)).isEqualTo(expected);
            assertThat(q.depth()).isZero(); // drift from the lost records reset at the tail
            assertThat(files(dir)).contains("t.diskqueue.000001.dat.bad");
            q.put(payload(1000, 30));
            assertThat(drain(q)).containsExactly(1000);
        }
    }

    @Test
    void truncatedRecordKeepsTheRecordsBeforeItAndSkipsTheRest() throws Exception {
        DiskQueueOptions opts = OPTS.withMaxBytesPerFile(500);
        List<List<Integer>> perSegment = fillSegments(opts, 40);
        Path seg1 = dir.resolve("t.diskqueue.000001.dat");
        int firstSize = 4 + sizeOf(perSegment.get(1).get(0));
        try (RandomAccessFile f = new RandomAccessFile(seg1.toFile(), "rw")) {
            f.setLength(firstSize + 10); // second record cut short
        }
        try (DiskQueue q = DiskQueue.open(dir, "t", opts)) {
            List<Integer> expected = new ArrayList<>(perSegment.get(0));
            expected.add(perSegment.get(1).get(0));
            perSegment.stream().skip(2).forEach(expected::addAll);
            assertThat(drain(q)).isEqualTo(expected);
            assertThat(files(dir)).contains("t.diskqueue.000001.dat.bad");
        }
    }

    @Test
    void corruptWriteSegmentMovesTheWriterToo() throws Exception {
        try (DiskQueue q = DiskQueue.open(dir, "t", OPTS)) {
            for (int i = 0; i < 5; i++) {
                q.put(payload(i, 30));
            }
        }
        Path seg0 = dir.resolve("t.diskqueue.000000.dat");
        try (RandomAccessFile f = new RandomAccessFile(seg0.toFile(), "rw")) {
            f.seek(2 * 34);
            f.writeInt(3); // below minMsgSize
        }
        try (DiskQueue q = DiskQueue.open(dir, "t", OPTS)) {
            assertThat(drain(q)).containsExactly(0, 1);
            assertThat(q.depth()).isZero();
            q.put(payload(5, 30));
            assertThat(files(dir)).contains("t.diskqueue.000000.dat.bad", "t.diskqueue.000001.dat");
            assertThat(drain(q)).containsExactly(5);
        }
    }

    @Test
    void missingSegmentIsSkipped() throws Exception {
        DiskQueueOptions opts = OPTS.withMaxBytesPerFile(500);
        List<List<Integer>> perSegment = fillSegments(opts, 40);
        Files.delete(dir.resolve("t.diskqueue.000001.dat"));
        try (DiskQueue q = DiskQueue.open(dir, "t", opts)) {
            List<Integer> expected = new ArrayList<>(perSegment.get(0));
            perSegment.stream().skip(2).forEach(expected::addAll);
            assertThat(drain(q)).isEqualTo(expected);
            assertThat(q.depth()).isZero();
        }
    }

    @Test
    void metadataDepthDriftIsResetWhenTheReaderCatchesUp() throws Exception {
        try (DiskQueue q = DiskQueue.open(dir, "t", OPTS)) {
            for (int i = 0; i < 5; i++) {
                q.put(payload(i, 30));
            }
        }
        Files.writeString(dir.resolve("t.diskqueue.meta.dat"), "9\n0,0\n0,170\n");
        try (DiskQueue q = DiskQueue.open(dir, "t", OPTS)) {
            assertThat(q.depth()).isEqualTo(9);
            assertThat(drain(q)).isEqualTo(range(0, 5));
            assertThat(q.depth()).isZero();
        }
        assertThat(meta()).isEqualTo("0\n0,170\n0,170\n");
    }

    @Test
    void staleTmpMetadataFilesAreRemovedOnOpen() throws Exception {
        Path tmp = dir.resolve("t.diskqueue.meta.dat.12345.tmp");
        Files.writeString(tmp, "garbage");
        DiskQueue.open(dir, "t", OPTS).close();
        assertThat(tmp).doesNotExist();
    }

    @Test
    void failedPutLeavesTheQueueConsistent() throws Exception {
        DiskQueueOptions opts = OPTS.withMaxBytesPerFile(200);
        try (DiskQueue q = DiskQueue.open(dir, "t", opts)) {
            Path blocker = dir.resolve("t.diskqueue.000001.dat");
            Files.createDirectory(blocker); // the next segment cannot be created
            assertThatThrownBy(() -> q.putAll(List.of(payload(0, 100), payload(1, 100))))
                    .isInstanceOf(IOException.class);
            assertThat(q.depth()).isEqualTo(1); // the record before the roll was written
            Files.delete(blocker);
            q.put(payload(2, 100));
            assertThat(q.depth()).isEqualTo(2);
            assertThat(drain(q)).containsExactly(0, 2);
        }
    }

    @Test
    void failedBackgroundSyncDoesNotFailPutsOrReads() throws Exception {
        DiskQueueOptions opts = OPTS.withSyncEvery(5);
        try (DiskQueue q = DiskQueue.open(dir, "t", opts)) {
            Path blocker = dir.resolve("t.diskqueue.meta.dat");
            Files.createDirectories(blocker.resolve("x")); // the metadata cannot be renamed into place
            for (int i = 0; i < 10; i++) {
                q.put(payload(i, 30));
            }
            assertThat(drain(q)).isEqualTo(range(0, 10));
            assertThatThrownBy(q::sync).isInstanceOf(IOException.class); // an explicit sync reports it
            Files.delete(blocker.resolve("x"));
            Files.delete(blocker);
            q.syncIfDirty();
            assertThat(meta()).isEqualTo("0\n0,340\n0,340\n");
        }
    }

    /** Writes records until {@code segments} segments exist and closes; returns the record numbers per segment. */
    private List<List<Integer>> fillSegments(DiskQueueOptions opts, int count) throws Exception {
        List<List<Integer>> perSegment = new ArrayList<>();
        try (DiskQueue q = DiskQueue.open(dir, "t", opts)) {
            for (int i = 0; i < count; i++) {
                q.put(payload(i, sizeOf(i)));
            }
        }
        for (int s = 0; ; s++) {
            Path seg = dir.resolve(String.format("t.diskqueue.%06d.dat", s));
            if (!Files.exists(seg)) {
                break;
            }
            List<Integer> nums = new ArrayList<>();
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(seg));
            while (b.hasRemaining()) {
                byte[] p = new byte[b.getInt()];
                b.get(p);
                nums.add(Records.number(p));
            }
            perSegment.add(nums);
        }
        assertThat(perSegment.size()).isGreaterThanOrEqualTo(4);
        return perSegment;
    }

    private String meta() throws Exception {
        return Files.readString(dir.resolve("t.diskqueue.meta.dat"), StandardCharsets.US_ASCII);
    }
}
