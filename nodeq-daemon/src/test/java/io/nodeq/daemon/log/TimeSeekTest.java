package io.nodeq.daemon.log;

import static io.nodeq.daemon.log.LogTesting.append;
import static org.assertj.core.api.Assertions.assertThat;

import io.nodeq.daemon.log.TopicLog.LogOptions;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link TimeSeek} over a log of many small segments whose record s is stamped s ms. */
class TimeSeekTest {
    private static final long MS = 1_000_000L;

    @TempDir
    Path tmp;

    private TopicLog open() throws IOException {
        return TopicLog.open(tmp.resolve("log"), new LogOptions(1000, 1 << 20, new FaultyFiles()));
    }

    @Test
    void findsTheFirstRecordAtOrAfterEveryTime() throws IOException {
        try (TopicLog log = open()) {
            append(log, 0, 200);
            assertThat(log.segmentCount()).isGreaterThan(10);
            for (long s = 0; s < 200; s++) {
                assertThat(TimeSeek.firstAtOrAfter(log, s * MS)).as("at %d ms", s).isEqualTo(s);
                assertThat(TimeSeek.firstAtOrAfter(log, s * MS - 1)).as("just before %d ms", s).isEqualTo(s);
                assertThat(TimeSeek.firstAtOrAfter(log, s * MS + 1)).as("just after %d ms", s)
                        .isEqualTo(s == 199 ? -1 : s + 1);
            }
            assertThat(TimeSeek.firstAtOrAfter(log, Long.MIN_VALUE)).isZero();
            assertThat(TimeSeek.firstAtOrAfter(log, 10_000 * MS)).isEqualTo(-1);
        }
    }

    @Test
    void aTimeBeforeTheRetainedSegmentsFindsTheFirstRetainedRecord() throws IOException {
        try (TopicLog log = open()) {
            append(log, 0, 200);
            log.deleteBefore(100);
            long first = log.firstSeq();
            assertThat(first).isBetween(80L, 100L);
            assertThat(TimeSeek.firstAtOrAfter(log, 0)).isEqualTo(first);
            assertThat(TimeSeek.firstAtOrAfter(log, 150 * MS)).isEqualTo(150);
        }
    }

    @Test
    void retentionDeletesOnlySegmentsWhoseNewestRecordIsOlder() throws IOException {
        long exactFirst;
        try (TopicLog log = open()) {
            append(log, 0, 200);
            assertThat(log.firstTimestamp()).isZero();
            log.deleteBefore(200, 50 * MS); // every segment is past; the time decides
            exactFirst = log.firstSeq();
            // the segment before the first kept one ended before 50 ms; the first kept one reaches it
            assertThat(exactFirst).isBetween(30L, 50L);
            assertThat(TimeSeek.firstAtOrAfter(log, 50 * MS)).isEqualTo(50);
            assertThat(log.firstTimestamp()).isEqualTo(exactFirst * MS);
            log.deleteBefore(40, 500 * MS); // the seq decides
            assertThat(log.firstSeq()).isEqualTo(exactFirst);
        }
        try (TopicLog log = open()) {
            // after a reopen the older segments are not scanned: the next segment's first record
            // stands in for a segment's newest (never older, so never deleting early)
            log.deleteBefore(200, 120 * MS);
            assertThat(log.firstSeq()).isBetween(95L, 120L);
        }
    }

    @Test
    void anEmptyLogHasNothing() throws IOException {
        try (TopicLog log = open()) {
            assertThat(TimeSeek.firstAtOrAfter(log, 0)).isEqualTo(-1);
        }
    }
}
