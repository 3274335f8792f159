package io.nodeq.daemon.broker;

import io.nodeq.daemon.log.LogRecord;
import io.nodeq.protocol.Headers;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** What a redrive stores for a dead letter's record, byte by byte, and which records it skips. */
class RedriveRecordsTest {

    @Test
    void aDeadLetterGoesBackToItsChannelWithItsOwnHeadersOnly() {
        byte[] record = record(Headers.of(Headers.ORIGIN_TOPIC, "orders", Headers.ORIGIN_CHANNEL, "billing",
                Headers.ORIGIN_ID, "0123456789abcdef", Headers.ORIGIN_ATTEMPTS, "5", "Trace-Id", "t"), "pay");
        RedriveRecords.Origin o = RedriveRecords.origin(record, 0);
        assertThat(o.topic()).isEqualTo("orders");
        assertThat(o.channel()).isEqualTo("billing");
        assertThat(o.flags()).isEqualTo(LogRecord.FLAG_TARGETED | LogRecord.FLAG_HEADERS);
        byte[] own = Headers.of("Trace-Id", "t").encode();
        byte[] expected = concat(new byte[] {7}, "billing".getBytes(StandardCharsets.US_ASCII), own,
                "pay".getBytes(StandardCharsets.UTF_8));
        assertThat(o.stored()).isEqualTo(expected);
    }

    @Test
    void withoutOwnHeadersTheStoredBodyIsTheChannelThenThePayload() {
        byte[] record = record(Headers.of(Headers.ORIGIN_TOPIC, "t", Headers.ORIGIN_CHANNEL, "c"), "x");
        RedriveRecords.Origin o = RedriveRecords.origin(record, 0);
        assertThat(o.flags()).isEqualTo(LogRecord.FLAG_TARGETED);
        assertThat(o.stored()).isEqualTo(new byte[] {1, 'c', 'x'});
    }

    @Test
    void recordsWithoutAValidOriginAreSkipped() {
        byte[] plain = new byte[LogRecord.size(1)];
        LogRecord.encode(plain, 0, 0, 1, 2, 0, new byte[] {'x'}, 0, 1);
        assertThat(RedriveRecords.origin(plain, 0)).isNull();
        assertThat(RedriveRecords.origin(record(Headers.of("Trace-Id", "t"), "x"), 0)).isNull();
        assertThat(RedriveRecords.origin(record(Headers.of(Headers.ORIGIN_TOPIC, "t"), "x"), 0)).isNull();
        assertThat(RedriveRecords.origin(record(Headers.of(Headers.ORIGIN_TOPIC, "a:b", Headers.ORIGIN_CHANNEL, "c"),
                "x"), 0)).isNull();
    }

    private static byte[] record(Headers headers, String payload) {
        byte[] body = headers.frame(payload.getBytes(StandardCharsets.UTF_8));
        byte[] buf = new byte[LogRecord.size(body.length)];
        LogRecord.encode(buf, 0, 0, 1, 2, 0, LogRecord.FLAG_HEADERS, body, 0, body.length);
        return buf;
    }

    private static byte[] concat(byte[]... parts) {
        byte[] out = new byte[0];
        for (byte[] p : parts) {
            int n = out.length;
            out = Arrays.copyOf(out, n + p.length);
            System.arraycopy(p, 0, out, n, p.length);
        }
        return out;
    }
}
