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
    void anEmptyLogHasNothing() throws IOException {
        try (TopicLog log = open()) {
            assertThat(TimeSeek.firstAtOrAfter(log, 0)).isEqualTo(-1);
        }
    }
}
