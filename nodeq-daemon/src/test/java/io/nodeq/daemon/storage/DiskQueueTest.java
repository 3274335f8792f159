package io.nodeq.daemon.storage;

import static io.nodeq.daemon.storage.Records.drain;
import static io.nodeq.daemon.storage.Records.files;
import static io.nodeq.daemon.storage.Records.payload;
import static io.nodeq.daemon.storage.Records.range;
import static io.nodeq.daemon.storage.Records.sizeOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskQueueTest {

    private static final DiskQueueOptions OPTS = DiskQueueOptions.DEFAULTS;

    @TempDir
    Path dir;

    @Test
    void putThenReadReturnsRecordsInOrderAndConsumesThem() throws Exception {
        try (DiskQueue q = DiskQueue.open(dir, "t", OPTS)) {
            assertThat(q.read()).isNull();
            assertThat(q.read(10)).isEmpty();
            for (int i = 0; i < 50; i++) {
                q.put(payload(i, sizeOf(i)));
            }
            assertThat(q.depth()).isEqualTo(50);
            assertThat(Records.number(q.read())).isEqualTo(0);
            assertThat(q.depth()).isEqualTo(49);
            List<byte[]> next = q.read(10);
            assertThat(next).hasSize(10);
            assertThat(next.stream().map(Records::number).toList()).isEqualTo(range(1, 11));
            assertThat(drain(q)).isEqualTo(range(11, 50));
            assertThat(q.depth()).isZero();
            assertThat(q.read()).isNull();
        }
    }

    @Test
    void interleavedPutsAndReadsOnTheWriteSegment() throws Exception {
        try (DiskQueue q = DiskQueue.open(dir, "t", OPTS)) {
            List<Integer> got = new ArrayList<>();
            int n = 0;
            for (int round = 0; round < 200; round++) {
                List<byte[]> batch = new ArrayList<>();
                for (int k = 0; k < round % 7 + 1; k++) {
                    batch.add(payload(n, sizeOf(n)));
                    n++;
                }
                q.putAll(batch);
                q.read(round % 5 + 1).forEach(p -> got.add(Records.number(p)));
            }
            got.addAll(drain(q));
            assertThat(got).isEqualTo(range(0, n));
        }
    }

    @Test
    void randomSizesBatchesAndReopensMatchAFifoModel() throws Exception {
        java.util.Random rnd = new java.util.Random(42);
        DiskQueueOptions opts = OPTS.withMaxBytesPerFile(64 * 1024);
        java.util.ArrayDeque<Integer> model = new java.util.ArrayDeque<>();
        int n = 0;
        DiskQueue q = DiskQueue.open(dir, "t", opts);
        try {
            for (int step = 0; step < 600; step++) {
                int op = rnd.nextInt(10);
                if (op < 5) {
                    List<byte[]> batch = new ArrayList<>();
                    for (int k = rnd.nextInt(20); k >= 0; k--, n++) {
                        // mostly small, some around the read-ahead sizes and a few past the segment size
                        int size = rnd.nextInt(20) == 0 ? 26 + rnd.nextInt(80_000) : 26 + rnd.nextInt(600);
                        batch.add(payload(n, size));
                        model.add(n);
                    }
                    q.putAll(batch);
                } else if (op < 9) {
                    for (byte[] p : q.read(1 + rnd.nextInt(40))) {
                        assertThat(Records.number(p)).isEqualTo(model.poll());
                    }
                } else {
                    q.close();
                    q = DiskQueue.open(dir, "t", opts);
                }
                assertThat(q.depth()).isEqualTo(model.size());
            }
            for (int p : drain(q)) {
                assertThat(p).isEqualTo(model.poll());
            }
            assertThat(model).isEmpty();
        } finally {
            q.close();
        }
    }

    @Test
    void putAllIsOneBatchAndReadMaxFillsMany() throws Exception {
        try (DiskQueue q = DiskQueue.open(dir, "t", OPTS)) {
            List<byte[]> batch = new ArrayList<>();
            for (int i = 0; i < 5000; i++) {
                batch.add(payload(i, 226));
            }
            q.putAll(batch);
            assertThat(q.depth()).isEqualTo(5000);
            List<byte[]> got = q.read(4000);
            assertThat(got).hasSize(4000);
            assertThat(got.stream().map(Records::number).toList()).isEqualTo(range(0, 4000));
            assertThat(q.depth()).isEqualTo(1000);
        }
    }

    @Test
    void rollsSegmentsWithExactDepthAndDeletesConsumedSegments() throws Exception {
        DiskQueueOptions opts = OPTS.withMaxBytesPerFile(1000);
        try (DiskQueue q = DiskQueue.open(dir, "t", opts)) {
            for (int i = 0; i < 400; i++) {
                q.put(payload(i, sizeOf(i)));
                assertThat(q.depth()).isEqualTo(i + 1);
            }
            List<String> segments = segmentFiles();
            assertThat(segments.size()).isGreaterThan(20);
            for (String s : segments) {
                assertThat(Files.size(dir.resolve(s))).isLessThanOrEqualTo(1000);
            }
            for (int i = 0; i < 400; i++) {
                assertThat(Records.number(q.read())).isEqualTo(i);
                assertThat(q.depth()).isEqualTo(399 - i);
            }
            assertThat(q.read()).isNull();
            // every finished segment was deleted once read; at most the write segment remains
            assertThat(segmentFiles()).hasSizeLessThanOrEqualTo(1);
        }
    }

    @Test
    void segmentIsDeletedWhenTheWriterRollsPastAFullyReadSegment() throws Exception {
        DiskQueueOptions opts = OPTS.withMaxBytesPerFile(300);
        try (DiskQueue q = DiskQueue.open(dir, "t", opts)) {
            q.put(payload(0, 100));
            q.put(payload(1, 100));
            assertThat(drain(q)).containsExactly(0, 1);
            assertThat(segmentFiles()).containsExactly("t.diskqueue.000000.dat");
            q.put(payload(2, 100)); // does not fit: rolls to segment 1
            assertThat(segmentFiles()).containsExactly("t.diskqueue.000001.dat");
            assertThat(drain(q)).containsExactly(2);
        }
    }

    @Test
    void recordBiggerThanTheSegmentLimitIsAloneInItsSegment() throws Exception {
        DiskQueueOptions opts = OPTS.withMaxBytesPerFile(1000);
        try (DiskQueue q = DiskQueue.open(dir, "t", opts)) {
            q.put(payload(0, 100));
            q.put(payload(1, 5000));
            q.put(payload(2, 100));
            assertThat(Files.size(dir.resolve("t.diskqueue.000000.dat"))).isEqualTo(104);
            assertThat(Files.size(dir.resolve("t.diskqueue.000001.dat"))).isEqualTo(5004);
            assertThat(Files.size(dir.resolve("t.diskqueue.000002.dat"))).isEqualTo(104);
            assertThat(drain(q)).containsExactly(0, 1, 2);
        }
    }

    @Test
    void recordsLargerThanTheIoBuffersRoundTripAcrossReopen() throws Exception {
        int big = 700 * 1024;
        try (DiskQueue q = DiskQueue.open(dir, "t", OPTS)) {
            q.putAll(List.of(payload(0, 30), payload(1, big), payload(2, 40), payload(3, big + 1)));
            assertThat(Records.number(q.read())).isEqualTo(0);
        }
        try (DiskQueue q = DiskQueue.open(dir, "t", OPTS)) {
            assertThat(q.depth()).isEqualTo(3);
            List<byte[]> got = q.read(10);
            assertThat(got.stream().map(Records::number).toList()).containsExactly(1, 2, 3);
            assertThat(got.get(2)).hasSize(big + 1);
        }
    }

    @Test
    void rejectsRecordsOutsideTheSizeBounds() throws Exception {
        DiskQueueOptions opts = DiskQueueOptions.forMaxBodySize(100);
        try (DiskQueue q = DiskQueue.open(dir, "t", opts)) {
            assertThatThrownBy(() -> q.put(new byte[25])).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("invalid message write size (25)");
            assertThatThrownBy(() -> q.put(new byte[127])).isInstanceOf(IllegalArgumentException.class);
            // a batch with one bad record writes nothing
            assertThatThrownBy(() -> q.putAll(List.of(payload(0, 26), new byte[500])))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(q.depth()).isZero();
            q.put(payload(1, 126));
            assertThat(drain(q)).containsExactly(1);
        }
    }

    @Test
    void reopenAfterCloseRestoresPositionAndDepth() throws Exception {
        DiskQueueOptions opts = OPTS.withMaxBytesPerFile(2000);
        try (DiskQueue q = DiskQueue.open(dir, "t", opts)) {
            for (int i = 0; i < 300; i++) {
                q.put(payload(i, sizeOf(i)));
            }
            q.read(120);
        }
        try (DiskQueue q = DiskQueue.open(dir, "t", opts)) {
            assertThat(q.depth()).isEqualTo(180);
            q.put(payload(300, 50));
            assertThat(drain(q)).isEqualTo(range(120, 301));
            assertThat(q.depth()).isZero();
        }
        try (DiskQueue q = DiskQueue.open(dir, "t", opts)) {
            assertThat(q.depth()).isZero();
            assertThat(q.read()).isNull();
        }
    }

    @Test
    void metadataFileIsNsqsTextFormat() throws Exception {
        DiskQueueOptions opts = OPTS.withMaxBytesPerFile(200);
        try (DiskQueue q = DiskQueue.open(dir, "dq:c", opts)) {
            for (int i = 0; i < 3; i++) {
                q.put(payload(i, 35)); // 39 bytes per record, 5 per segment
            }
            q.sync();
            assertThat(meta("dq:c")).isEqualTo("3\n0,0\n0,117\n");
            for (int i = 3; i < 8; i++) {
                q.put(payload(i, 35));
            }
            q.read(2);
            q.sync();
            assertThat(meta("dq:c")).isEqualTo("6\n0,78\n1,117\n");
        }
        assertThat(files(dir)).contains("dq:c.diskqueue.000000.dat", "dq:c.diskqueue.000001.dat",
                "dq:c.diskqueue.meta.dat");
        assertThat(files(dir)).noneMatch(f -> f.endsWith(".tmp"));
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            for (String f : files(dir)) {
                // mode 0600 like nsqd's files
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(f))))
                        .as(f).isEqualTo("rw-------");
            }
        }
    }

    @Test
    void syncEveryCountsReadsAndWrites() throws Exception {
        DiskQueueOptions opts = OPTS.withSyncEvery(10);
        try (DiskQueue q = DiskQueue.open(dir, "t", opts)) {
            for (int i = 0; i < 6; i++) {
                q.put(payload(i, 30));
            }
            q.read(3);
            assertThat(dir.resolve("t.diskqueue.meta.dat")).doesNotExist();
            q.read(); // 10th operation
            assertThat(meta("t")).isEqualTo("2\n0,136\n0,204\n");
        }
    }

    @Test
    void syncIfDirtyWritesOnlyAfterActivity() throws Exception {
        try (DiskQueue q = DiskQueue.open(dir, "t", OPTS)) {
            q.syncIfDirty();
            assertThat(dir.resolve("t.diskqueue.meta.dat")).doesNotExist();
            q.put(payload(0, 30));
            q.syncIfDirty();
            assertThat(meta("t")).isEqualTo("1\n0,0\n0,34\n");
            Files.delete(dir.resolve("t.diskqueue.meta.dat"));
            q.syncIfDirty();
            assertThat(dir.resolve("t.diskqueue.meta.dat")).doesNotExist();
        }
    }

    @Test
    void emptyDropsEverythingAndTheQueueStaysUsable() throws Exception {
        DiskQueueOptions opts = OPTS.withMaxBytesPerFile(500);
        try (DiskQueue q = DiskQueue.open(dir, "t", opts)) {
            for (int i = 0; i < 50; i++) {
                q.put(payload(i, 60));
            }
            q.read(5);
            assertThat(segmentFiles().size()).isGreaterThan(3);
            q.empty();
            assertThat(q.depth()).isZero();
            assertThat(segmentFiles()).isEmpty();
            assertThat(q.read()).isNull();
            q.put(payload(100, 60));
            assertThat(q.depth()).isEqualTo(1);
        }
        try (DiskQueue q = DiskQueue.open(dir, "t", opts)) {
            assertThat(q.depth()).isEqualTo(1);
            assertThat(drain(q)).containsExactly(100);
        }
    }

    @Test
    void deleteRemovesTheQueuesFilesOnly() throws Exception {
        DiskQueueOptions opts = OPTS.withMaxBytesPerFile(500);
        DiskQueue other = DiskQueue.open(dir, "t:other", opts);
        other.put(payload(0, 60));
        other.close();
        DiskQueue q = DiskQueue.open(dir, "t", opts);
        for (int i = 0; i < 30; i++) {
            q.put(payload(i, 60));
        }
        q.sync();
        q.delete();
        assertThat(files(dir)).containsExactly("t:other.diskqueue.000000.dat", "t:other.diskqueue.meta.dat");
        assertThatThrownBy(q::read).isInstanceOf(IllegalStateException.class);
        q.close(); // harmless after delete
    }

    @Test
    void optionsAreValidated() {
        assertThat(DiskQueueOptions.DEFAULTS.maxMsgSize()).isEqualTo(1024 * 1024 + 26);
        assertThat(DiskQueueOptions.DEFAULTS.minMsgSize()).isEqualTo(26);
        assertThat(DiskQueueOptions.DEFAULTS.maxBytesPerFile()).isEqualTo(100L * 1024 * 1024);
        assertThat(DiskQueueOptions.DEFAULTS.syncEvery()).isEqualTo(2500);
        assertThatThrownBy(() -> OPTS.withMaxBytesPerFile(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OPTS.withSyncEvery(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OPTS.withMsgSizes(30, 20)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OPTS.withSyncTimeout(java.time.Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private String meta(String name) throws Exception {
        return Files.readString(dir.resolve(name + ".diskqueue.meta.dat"), StandardCharsets.US_ASCII);
    }

    private List<String> segmentFiles() throws Exception {
        return files(dir).stream().filter(f -> f.matches(".*\\.diskqueue\\.\\d+\\.dat")).toList();
    }
}
