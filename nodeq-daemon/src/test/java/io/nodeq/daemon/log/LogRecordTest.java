package io.nodeq.daemon.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class LogRecordTest {

    private static final int MAX = 1 << 20;

    @Test
    void roundTrip() {
        byte[] body = "hello, log".getBytes(StandardCharsets.UTF_8);
        byte[] buf = new byte[7 + LogRecord.size(body.length)];
        int n = LogRecord.encode(buf, 7, 0x0102030405060708L, -2L, 1_700_000_000_123_456_789L, 1500,
                body, 0, body.length);
        assertThat(n).isEqualTo(LogRecord.size(body.length)).isEqualTo(40 + 10);
        assertThat(LogRecord.recordSize(buf, 7)).isEqualTo(n);
        assertThat(LogRecord.seq(buf, 7)).isEqualTo(0x0102030405060708L);
        assertThat(LogRecord.id(Unpooled.wrappedBuffer(buf), 7)).isEqualTo(-2L);
        assertThat(LogRecord.timestampNs(Unpooled.wrappedBuffer(buf), 7)).isEqualTo(1_700_000_000_123_456_789L);
        assertThat(LogRecord.deferMs(Unpooled.wrappedBuffer(buf), 7)).isEqualTo(1500);
        assertThat(LogRecord.bodyLength(Unpooled.wrappedBuffer(buf), 7)).isEqualTo(body.length);
        assertThat(Arrays.copyOfRange(buf, LogRecord.bodyOffset(7), 7 + n)).isEqualTo(body);
        assertThat(LogRecord.valid(buf, 7, n, MAX)).isTrue();
    }

    @Test
    void layoutIsTheDrawnOne() {
        byte[] body = {(byte) 0xAB};
        byte[] buf = new byte[LogRecord.size(1)];
        LogRecord.encode(buf, 0, 5, 6, 7, 8, body, 0, 1);
        String hex = HexFormat.of().formatHex(buf);
        assertThat(hex.substring(0, 8)).isEqualTo("00000025"); // length = 36 + 1
        assertThat(hex.substring(16, 24)).isEqualTo("01000000"); // ver 1, flags 0, reserved 0
        assertThat(hex.substring(24, 32)).isEqualTo("00000008"); // deferMs
        assertThat(hex.substring(32, 48)).isEqualTo("0000000000000005"); // seq
        assertThat(hex.substring(48, 64)).isEqualTo("0000000000000006"); // id
        assertThat(hex.substring(64, 80)).isEqualTo("0000000000000007"); // ts
        assertThat(hex.substring(80)).isEqualTo("ab");
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(buf, 8, buf.length - 8);
        assertThat(LogRecord.getInt(buf, 4)).isEqualTo((int) crc.getValue());
    }

    @Test
    void aTargetedRecordNamesItsChannelBeforeTheHeaderBlock() {
        // | n=3 | "abc" | H | 01 'X' 00 02 "hi" | payload "p!" |
        byte[] headers = io.nodeq.protocol.Headers.of("X", "hi").encode();
        byte[] body = new byte[4 + headers.length + 2];
        body[0] = 3;
        System.arraycopy("abc".getBytes(StandardCharsets.US_ASCII), 0, body, 1, 3);
        System.arraycopy(headers, 0, body, 4, headers.length);
        body[body.length - 2] = 'p';
        body[body.length - 1] = '!';
        byte[] buf = new byte[LogRecord.size(body.length)];
        LogRecord.encode(buf, 0, 1, 2, 3, 0, LogRecord.FLAG_TARGETED | LogRecord.FLAG_HEADERS, body, 0, body.length);
        assertThat(HexFormat.of().formatHex(buf, 8, 10)).isEqualTo("0103"); // ver 1, flags targeted + headers
        assertThat(LogRecord.targetLength(Unpooled.wrappedBuffer(buf), 0)).isEqualTo(4);
        assertThat(LogRecord.target(buf, 0)).isEqualTo("abc");
        assertThat(LogRecord.targets(Unpooled.wrappedBuffer(buf), 0, "abc")).isTrue();
        assertThat(LogRecord.targets(Unpooled.wrappedBuffer(buf), 0, "abd")).isFalse();
        assertThat(LogRecord.targets(Unpooled.wrappedBuffer(buf), 0, "ab")).isFalse();
        assertThat(LogRecord.messageOffset(Unpooled.wrappedBuffer(buf), 0)).isEqualTo(LogRecord.HEADER + 4);
        assertThat(LogRecord.messageLength(Unpooled.wrappedBuffer(buf), 0)).isEqualTo(headers.length + 2);
        assertThat(LogRecord.headerLength(Unpooled.wrappedBuffer(buf), 0)).isEqualTo(headers.length);
        assertThat(LogRecord.valid(buf, 0, buf.length, MAX)).isTrue();

        byte[] plain = new byte[LogRecord.size(1)];
        LogRecord.encode(plain, 0, 1, 2, 3, 0, new byte[] {'x'}, 0, 1);
        assertThat(LogRecord.target(plain, 0)).isNull();
        assertThat(LogRecord.targetLength(Unpooled.wrappedBuffer(plain), 0)).isZero();
        assertThat(LogRecord.messageOffset(Unpooled.wrappedBuffer(plain), 0)).isEqualTo(LogRecord.HEADER);
        assertThat(LogRecord.messageLength(Unpooled.wrappedBuffer(plain), 0)).isEqualTo(1);
    }

    @Test
    void emptyBody() {
        byte[] buf = new byte[LogRecord.HEADER];
        assertThat(LogRecord.encode(buf, 0, 0, 1, 2, 0, new byte[0], 0, 0)).isEqualTo(LogRecord.HEADER);
        assertThat(LogRecord.bodyLength(Unpooled.wrappedBuffer(buf), 0)).isZero();
        assertThat(LogRecord.valid(buf, 0, buf.length, MAX)).isTrue();
    }

    @Test
    void aFlippedBitAnywhereIsCaught() {
        byte[] body = "the quick brown fox".getBytes(StandardCharsets.UTF_8);
        byte[] buf = new byte[LogRecord.size(body.length)];
        LogRecord.encode(buf, 0, 42, 43, 44, 45, body, 0, body.length);
        for (int i = 0; i < buf.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                buf[i] ^= (byte) (1 << bit);
                assertThat(LogRecord.valid(buf, 0, buf.length, MAX)).as("byte %d bit %d", i, bit).isFalse();
                buf[i] ^= (byte) (1 << bit);
            }
        }
        assertThat(LogRecord.valid(buf, 0, buf.length, MAX)).isTrue();
    }

    @Test
    void truncatedInputIsNotValid() {
        byte[] body = new byte[100];
        Arrays.fill(body, (byte) 'x');
        byte[] buf = new byte[LogRecord.size(body.length)];
        LogRecord.encode(buf, 0, 1, 2, 3, 0, body, 0, body.length);
        for (int available = 0; available < buf.length; available++) {
            assertThat(LogRecord.valid(buf, 0, available, MAX)).as("%d bytes", available).isFalse();
            assertThat(LogRecord.valid(Arrays.copyOf(buf, available), 0, available, MAX)).isFalse();
        }
        assertThat(LogRecord.valid(buf, 0, buf.length, MAX)).isTrue();
    }

    @Test
    void recordsLargerThanTheLimitAreNotValid() {
        byte[] body = new byte[100];
        byte[] buf = new byte[LogRecord.size(body.length)];
        LogRecord.encode(buf, 0, 1, 2, 3, 0, body, 0, body.length);
        assertThat(LogRecord.valid(buf, 0, buf.length, buf.length)).isTrue();
        assertThat(LogRecord.valid(buf, 0, buf.length, buf.length - 1)).isFalse();
    }

    @Test
    void anotherVersionIsNotValid() {
        byte[] buf = new byte[LogRecord.HEADER];
        LogRecord.encode(buf, 0, 1, 2, 3, 0, new byte[0], 0, 0);
        buf[8] = 2;
        // even with a matching CRC: a version-1 reader must not misread a later format
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(buf, 8, buf.length - 8);
        LogRecord.putInt(buf, 4, (int) crc.getValue());
        assertThat(LogRecord.valid(buf, 0, buf.length, MAX)).isFalse();
    }
}
