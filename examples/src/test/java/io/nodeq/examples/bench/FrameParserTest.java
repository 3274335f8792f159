package io.nodeq.examples.bench;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The in-place frame parser, fed the way BenchConnection feeds it: read, flip, parse, compact. */
class FrameParserTest {
    private static final List<String> EXPECTED = List.of(
            "response OK", "response _heartbeat_", "error E_FIN_FAILED FIN x failed",
            "message ts=1700000000000000000 attempts=3 id=0123456789abcdef body=hello",
            "message ts=42 attempts=1 id=fedcba9876543210 body=", "response {\"max_rdy_count\":2500}");

    private static byte[] stream() {
        Buffer b = Buffer.buffer();
        frame(b, 0, "OK".getBytes());
        frame(b, 0, "_heartbeat_".getBytes());
        frame(b, 1, "E_FIN_FAILED FIN x failed".getBytes());
        frame(b, 2, message(1700000000000000000L, 3, "0123456789abcdef", "hello"));
        frame(b, 2, message(42, 1, "fedcba9876543210", ""));
        frame(b, 0, "{\"max_rdy_count\":2500}".getBytes());
        return b.getBytes();
    }

    @Test
    void parsesWholeOneByteAtATimeAndInRandomPieces() throws IOException {
        byte[] s = stream();
        assertThat(feed(s, new int[] {s.length})).isEqualTo(EXPECTED);
        int[] ones = new int[s.length];
        java.util.Arrays.fill(ones, 1);
        assertThat(feed(s, ones)).isEqualTo(EXPECTED);
        Random r = new Random(1);
        for (int round = 0; round < 200; round++) {
            List<Integer> pieces = new ArrayList<>();
            int left = s.length;
            while (left > 0) {
                int n = Math.min(left, 1 + r.nextInt(40));
                pieces.add(n);
                left -= n;
            }
            assertThat(feed(s, pieces.stream().mapToInt(Integer::intValue).toArray())).isEqualTo(EXPECTED);
        }
    }

    @Test
    void rejectsSizesAndTypesNsqdNeverSends() {
        assertRejected(Buffer.buffer().appendInt(3).appendInt(0), "bad frame size 3");
        assertRejected(Buffer.buffer().appendInt(1025).appendInt(0), "bad frame size 1025");
        assertRejected(Buffer.buffer().appendInt(6).appendInt(7).appendString("OK"), "bad frame type 7");
        assertRejected(Buffer.buffer().appendInt(4 + 25).appendInt(2).appendBytes(new byte[25]), "shorter than its header");
    }

    @Test
    void tellsHowLargeThePendingFrameIs() {
        ByteBuffer b = ByteBuffer.allocate(16);
        assertThat(FrameParser.pendingFrameLength(b.flip())).isEqualTo(8);
        b = ByteBuffer.allocate(16).putInt(5000).flip();
        assertThat(FrameParser.pendingFrameLength(b)).isEqualTo(5004);
    }

    private static void assertRejected(Buffer bytes, String message) {
        ByteBuffer b = ByteBuffer.wrap(bytes.getBytes());
        assertThatThrownBy(() -> new FrameParser(1024).next(b, new Recorder(new ArrayList<>())))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(message);
    }

    private static List<String> feed(byte[] s, int[] pieces) throws IOException {
        List<String> events = new ArrayList<>();
        Recorder recorder = new Recorder(events);
        FrameParser parser = new FrameParser(1024);
        ByteBuffer in = ByteBuffer.allocateDirect(256);
        int pos = 0;
        for (int n : pieces) {
            in.put(s, pos, n);
            pos += n;
            in.flip();
            while (parser.next(in, recorder)) {
                // recorded
            }
            in.compact();
        }
        assertThat(in.position()).as("nothing left over").isZero();
        return events;
    }

    private static byte[] message(long ts, int attempts, String id, String body) {
        return Buffer.buffer().appendLong(ts).appendShort((short) attempts).appendString(id).appendString(body).getBytes();
    }

    private static void frame(Buffer b, int type, byte[] data) {
        b.appendInt(4 + data.length).appendInt(type).appendBytes(data);
    }

    private record Recorder(List<String> events) implements FrameParser.Handler {
        @Override
        public void response(ByteBuffer buf, int offset, int length) {
            events.add("response " + FrameParser.ascii(buf, offset, length));
        }

        @Override
        public void error(ByteBuffer buf, int offset, int length) {
            events.add("error " + FrameParser.ascii(buf, offset, length));
        }

        @Override
        public void message(ByteBuffer buf, int offset, int length) {
            events.add("message ts=" + buf.getLong(offset) + " attempts=" + (buf.getShort(offset + 8) & 0xffff)
                    + " id=" + FrameParser.ascii(buf, offset + 10, 16)
                    + " body=" + new String(bytes(buf, offset + 26, length - 26), StandardCharsets.US_ASCII));
        }

        private static byte[] bytes(ByteBuffer buf, int offset, int length) {
            byte[] b = new byte[length];
            buf.get(offset, b);
            return b;
        }
    }
}
