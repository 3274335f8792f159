package io.nodeq.daemon.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.nodeq.daemon.log.TopicLog.ReadBatch;
import io.nodeq.daemon.log.TopicLog.Region;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Builds and checks log records in tests: body of seq s is "m<s>" padded to a size that varies with s. */
final class LogTesting {

    private LogTesting() {
    }

    static byte[] body(long seq) {
        String s = "m" + seq + "-";
        int len = 10 + (int) (seq * 37 % 90);
        StringBuilder b = new StringBuilder(s);
        while (b.length() < len) {
            b.append((char) ('a' + b.length() % 26));
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    static long id(long seq) {
        return (7L << 56) | seq;
    }

    /** Records from..to-1 back to back in one array. */
    static byte[] records(long from, long to) {
        int size = 0;
        for (long s = from; s < to; s++) {
            size += LogRecord.size(body(s).length);
        }
        byte[] out = new byte[size];
        int off = 0;
        for (long s = from; s < to; s++) {
            byte[] b = body(s);
            off += LogRecord.encode(out, off, s, id(s), 1_000_000L * s, (int) (s % 3), b, 0, b.length);
        }
        return out;
    }

    /** Appends records from..to-1, one region per record. */
    static void append(TopicLog log, long from, long to) throws IOException {
        List<Region> regions = new ArrayList<>();
        for (long s = from; s < to; s++) {
            regions.add(Region.of(records(s, s + 1)));
        }
        log.append(regions);
    }

    /** Every seq readable from {@code from} on, in batches of the given limits, checking each record. */
    static List<Long> readAll(TopicLog log, long from, int maxRecords, int maxBytes) throws IOException {
        List<Long> seqs = new ArrayList<>();
        long next = from;
        while (true) {
            ReadBatch b = log.read(next, maxRecords, maxBytes);
            if (b == null) {
                return seqs;
            }
            assertThat(b.count()).isBetween(1, maxRecords);
            for (int i = 0; i < b.count(); i++) {
                int off = b.offsets()[i];
                long seq = LogRecord.seq(b.bytes(), off);
                assertThat(LogRecord.valid(b.bytes(), off, b.bytes().length - off, 1 << 20)).isTrue();
                assertThat(LogRecord.id(Unpooled.wrappedBuffer(b.bytes()), off)).isEqualTo(id(seq));
                byte[] body = new byte[LogRecord.bodyLength(Unpooled.wrappedBuffer(b.bytes()), off)];
                System.arraycopy(b.bytes(), LogRecord.bodyOffset(off), body, 0, body.length);
                assertThat(body).isEqualTo(body(seq));
                seqs.add(seq);
            }
            int last = b.offsets()[b.count() - 1];
            assertThat(last + LogRecord.recordSize(b.bytes(), last)).isEqualTo(b.bytes().length);
            assertThat(b.firstSeq()).isGreaterThanOrEqualTo(next);
            next = b.lastSeq() + 1;
        }
    }

    static List<Long> range(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long s = from; s < to; s++) {
            out.add(s);
        }
        return out;
    }

    /** Seqs of every readable record, without checking bodies. */
    static List<Long> readAllSeqs(TopicLog log) throws IOException {
        List<Long> out = new ArrayList<>();
        long next = 0;
        ReadBatch b;
        while ((b = log.read(next, 1000, 1 << 20)) != null) {
            for (int i = 0; i < b.count(); i++) {
                out.add(LogRecord.seq(b.bytes(), b.offsets()[i]));
            }
            next = b.lastSeq() + 1;
        }
        return out;
    }
}
