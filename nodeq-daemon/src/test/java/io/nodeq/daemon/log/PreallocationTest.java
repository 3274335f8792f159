package io.nodeq.daemon.log;

import static io.nodeq.daemon.log.LogTesting.append;
import static io.nodeq.daemon.log.LogTesting.range;
import static io.nodeq.daemon.log.LogTesting.readAll;
import static io.nodeq.daemon.log.LogTesting.records;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.nodeq.daemon.log.TopicLog.LogOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A durable topic's log zero-fills its active segment ahead of its appends
 * ({@link TopicLog#preallocate(boolean)}): the zeros past the last record are the log's clean end,
 * everything measures the records and not the file, and a full disk refuses only what does not fit.
 */
class PreallocationTest {

    private static final int MAX_RECORD = 1 << 20;

    @TempDir
    Path tmp;

    private final FaultyFiles files = new FaultyFiles();
    private final Logger logLogger = (Logger) LoggerFactory.getLogger(TopicLog.class);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    @BeforeEach
    void catchWarnings() {
        logged.start();
        logLogger.addAppender(logged);
    }

    @AfterEach
    void release() {
        logLogger.detachAppender(logged);
    }

    private List<String> warnings() {
        return logged.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .map(ILoggingEvent::getFormattedMessage).toList();
    }

    private LogOptions opts(long maxBytesPerFile) {
        return new LogOptions(maxBytesPerFile, MAX_RECORD, files);
    }

    private TopicLog openPreallocating(Path dir, long maxBytesPerFile) throws IOException {
        TopicLog log = TopicLog.open(dir, opts(maxBytesPerFile));
        log.preallocate(true);
        return log;
    }

    private static List<Path> segmentFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".seg")).sorted().toList();
        }
    }

    private static Path onlySegment(Path dir) throws IOException {
        List<Path> segs = segmentFiles(dir);
        assertThat(segs).hasSize(1);
        return segs.get(0);
    }

    /** Whether the file holds nothing but zeros from {@code from} on. */
    private static boolean zerosFrom(Path file, long from) throws IOException {
        byte[] b = Files.readAllBytes(file);
        for (int i = (int) from; i < b.length; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** Where the records of a segment file end, walking their length fields; -1 if one is cut. */
    private static long recordsEnd(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        int p = 0;
        while (p + LogRecord.HEADER <= b.length && LogRecord.valid(b, p, b.length - p, MAX_RECORD)) {
            p += LogRecord.recordSize(b, p);
        }
        return p;
    }

    private static void writeAt(Path file, long pos, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf, pos + buf.position());
            }
        }
    }

    @Test
    void appendsFillAheadAndARestartEndsAtTheLastRecordWithoutAWord() throws IOException {
        Path dir = tmp.resolve("log");
        long end;
        long fileLength;
        try (TopicLog log = openPreallocating(dir, 100 << 20)) {
            append(log, 0, 100);
            log.force();
            end = log.sizeBytes();
            assertThat(end).isEqualTo(records(0, 100).length);
            fileLength = Files.size(onlySegment(dir));
            assertThat(fileLength).isGreaterThanOrEqualTo(end + TopicLog.MIN_FILL).isLessThanOrEqualTo(end + TopicLog.MAX_FILL + 4096);
            assertThat(fileLength % 4096).isZero();
            assertThat(zerosFrom(onlySegment(dir), end)).isTrue();
        }
        // a reopen (as after kill -9: everything above was forced) ends at the records, keeps the fill
        try (TopicLog log = TopicLog.open(dir, opts(100 << 20))) {
            assertThat(log.nextSeq()).isEqualTo(100);
            assertThat(log.sizeBytes()).isEqualTo(end);
            assertThat(Files.size(onlySegment(dir))).isEqualTo(fileLength);
            assertThat(readAll(log, 0, 7, 1 << 20)).isEqualTo(range(0, 100));
            log.preallocate(true);
            append(log, 100, 110);
            log.force();
            assertThat(log.sizeBytes()).isEqualTo(records(0, 110).length);
        }
        byte[] b = Files.readAllBytes(onlySegment(dir));
        assertThat(LogRecord.seq(b, (int) end)).isEqualTo(100);
        try (TopicLog log = TopicLog.open(dir, opts(100 << 20))) {
            assertThat(log.nextSeq()).isEqualTo(110);
            assertThat(readAll(log, 0, 1000, 1 << 20)).isEqualTo(range(0, 110));
        }
        assertThat(warnings()).isEmpty();
    }

    @Test
    void appendsInsideTheFillOverwriteItWithOneWriteAndOneForce() throws IOException {
        Path dir = tmp.resolve("log");
        try (TopicLog log = openPreallocating(dir, 100 << 20)) {
            append(log, 0, 1);
            log.force();
            long length = Files.size(onlySegment(dir));
            for (long s = 1; s < 50; s++) {
                int writes = files.writeCalls.get();
                int forces = files.forceCalls.get();
                append(log, s, s + 1);
                log.force();
                assertThat(files.writeCalls.get() - writes).isEqualTo(1);
                assertThat(files.forceCalls.get() - forces).isEqualTo(1);
            }
            assertThat(Files.size(onlySegment(dir))).isEqualTo(length);
            assertThat(log.sizeBytes()).isEqualTo(records(0, 50).length);
        }
    }

    @Test
    void aMemoryFirstLogIsAsLongAsItsRecords() throws IOException {
        Path dir = tmp.resolve("log");
        try (TopicLog log = TopicLog.open(dir, opts(100 << 20))) {
            append(log, 0, 100);
            log.force();
            assertThat(Files.size(onlySegment(dir))).isEqualTo(log.sizeBytes());
        }
    }

    /** Records 0..9 appended to a new preallocating log and forced; returns where they end. */
    private long tenForcedRecords(Path dir) throws IOException {
        try (TopicLog log = openPreallocating(dir, 100 << 20)) {
            append(log, 0, 10);
            log.force();
            return log.sizeBytes();
        }
    }

    @Test
    void aTornRecordBeforeTheZerosIsCutAndLogged() throws IOException {
        Path dir = tmp.resolve("log");
        long end = tenForcedRecords(dir);
        // the first bytes of record 10 reached the disk, the rest of its page did not
        Path seg = onlySegment(dir);
        writeAt(seg, end, Arrays.copyOf(records(10, 11), 30));
        try (TopicLog log = TopicLog.open(dir, opts(100 << 20))) {
            assertThat(log.nextSeq()).isEqualTo(10);
            assertThat(log.sizeBytes()).isEqualTo(end);
            assertThat(Files.size(seg)).isEqualTo(end);
            assertThat(warnings()).singleElement().asString().contains("at offset " + end).contains("records from seq 10 on");
            log.preallocate(true);
            append(log, 10, 12);
            log.force();
        }
        try (TopicLog log = TopicLog.open(dir, opts(100 << 20))) {
            assertThat(readAll(log, 0, 100, 1 << 20)).isEqualTo(range(0, 12));
        }
        assertThat(warnings()).hasSize(1);
    }

    @Test
    void zerosThenALaterRecordAreATornTailNotACleanEnd() throws IOException {
        Path dir = tmp.resolve("log");
        long end = tenForcedRecords(dir);
        // record 11's page reached the disk, record 10's did not: cut, so that the appends that
        // reuse seqs 10 and 11 can never run on into the stale record 11
        Path seg = onlySegment(dir);
        writeAt(seg, end + 8192, records(11, 12));
        try (TopicLog log = TopicLog.open(dir, opts(100 << 20))) {
            assertThat(log.nextSeq()).isEqualTo(10);
            assertThat(Files.size(seg)).isEqualTo(end);
        }
        assertThat(warnings()).singleElement().asString().contains("at offset " + end);
    }

    /**
     * A preallocating log of 100 kB segments with records 0..n-1, appended 250 per append and force
     * (a group commit); returns its size.
     */
    private long rolledLog(Path dir, long n) throws IOException {
        try (TopicLog log = openPreallocating(dir, 100_000)) {
            for (long s = 0; s < n; s += 250) {
                append(log, s, s + 250);
                log.force();
            }
            return log.sizeBytes();
        }
    }

    @Test
    void aRolledSegmentIsTrimmedToItsRecords() throws IOException {
        Path dir = tmp.resolve("log");
        long size = rolledLog(dir, 5000);
        List<Path> segs = segmentFiles(dir);
        assertThat(segs).hasSizeGreaterThan(3);
        long older = 0;
        for (Path p : segs.subList(0, segs.size() - 1)) {
            assertThat(recordsEnd(p)).as(p.toString()).isEqualTo(Files.size(p));
            older += Files.size(p);
        }
        Path active = segs.get(segs.size() - 1);
        assertThat(Files.size(active)).isGreaterThan(recordsEnd(active));
        assertThat(older + recordsEnd(active)).isEqualTo(size);
        try (TopicLog log = TopicLog.open(dir, opts(100_000))) {
            assertThat(log.nextSeq()).isEqualTo(5000);
            assertThat(log.sizeBytes()).isEqualTo(size);
            assertThat(readAll(log, 0, 300, 1 << 20)).isEqualTo(range(0, 5000));
            // retention counts records too
            long firstSize = Files.size(segmentFiles(dir).get(0));
            assertThat(log.deleteBefore(log.segmentBases()[1])).isEqualTo(1);
            assertThat(log.sizeBytes()).isEqualTo(size - firstSize);
        }
        assertThat(warnings()).isEmpty();
    }

    @Test
    void anOlderSegmentWhoseTrimWasLostEndsQuietlyAtItsZeros() throws IOException {
        Path dir = tmp.resolve("log");
        long size = rolledLog(dir, 3000);
        // a crash after the roll, before the trim of the segment rolled from reached the disk
        Path first = segmentFiles(dir).get(0);
        writeAt(first, Files.size(first), new byte[70_000]);
        try (TopicLog log = TopicLog.open(dir, opts(100_000))) {
            assertThat(readAll(log, 0, 300, 1 << 20)).isEqualTo(range(0, 3000));
            assertThat(readAll(log, 0, 7, 1 << 20)).isEqualTo(range(0, 3000));
            assertThat(log.sizeBytes()).isEqualTo(size);
        }
        assertThat(warnings()).isEmpty();
    }

    @Test
    void zerosFollowedByOtherBytesInAnOlderSegmentAreStillReported() throws IOException {
        Path dir = tmp.resolve("log");
        rolledLog(dir, 3000);
        Path first = segmentFiles(dir).get(0);
        long end = Files.size(first);
        byte[] tail = new byte[70_000];
        tail[tail.length - 1] = 1;
        writeAt(first, end, tail);
        try (TopicLog log = TopicLog.open(dir, opts(100_000))) {
            assertThat(readAll(log, 0, 300, 1 << 20)).isEqualTo(range(0, 3000));
        }
        assertThat(warnings()).singleElement().asString().contains("bad record at offset " + end);
    }

    @Test
    void aFullDiskWhilePreallocatingRefusesOnlyWhatDoesNotFit() throws IOException {
        Path dir = tmp.resolve("log");
        try (TopicLog log = openPreallocating(dir, 100 << 20)) {
            // room for a little more than five records: the fill gets that far and fails
            files.fullAfterGrowth(records(0, 5).length + 1000);
            append(log, 0, 5);
            log.force();
            assertThat(warnings()).singleElement().asString().contains("could not preallocate");
            assertThat(Files.size(onlySegment(dir))).isEqualTo(records(0, 5).length + 1000);
            // what no longer fits is refused, and leaves nothing behind
            assertThatThrownBy(() -> append(log, 5, 100)).isInstanceOf(IOException.class).hasMessage(FaultyFiles.ENOSPC);
            assertThat(log.nextSeq()).isEqualTo(5);
            assertThat(log.sizeBytes()).isEqualTo(records(0, 5).length);
            assertThat(recordsEnd(onlySegment(dir))).isEqualTo(records(0, 5).length);
            assertThat(zerosFrom(onlySegment(dir), records(0, 5).length)).isTrue();
            assertThatThrownBy(() -> append(log, 5, 100)).isInstanceOf(IOException.class);
            assertThat(warnings()).hasSize(1); // one line per outage
            files.spaceReturns();
            append(log, 5, 100);
            log.force();
            assertThat(Files.size(onlySegment(dir))).isGreaterThan(log.sizeBytes());
            // a disk that fails every write
            files.diskFull = true;
            assertThatThrownBy(() -> append(log, 100, 101)).isInstanceOf(IOException.class);
            assertThat(log.nextSeq()).isEqualTo(100);
            files.spaceReturns();
            append(log, 100, 101);
            log.force();
        }
        try (TopicLog log = TopicLog.open(dir, opts(100 << 20))) {
            assertThat(log.nextSeq()).isEqualTo(101);
            assertThat(readAll(log, 0, 1000, 1 << 20)).isEqualTo(range(0, 101));
        }
    }
}
