package io.nodeq.lookup.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The V1 decoder is a pure state machine: every split of the input gives the same events. */
class V1DecoderTest {

    private static final class Events implements V1Decoder.Sink {
        final List<String> out = new ArrayList<>();

        @Override
        public boolean line(String line) {
            out.add("line:" + line);
            return line.startsWith("IDENTIFY");
        }

        @Override
        public void body(Buffer body) {
            out.add("body:" + body.toString(StandardCharsets.UTF_8));
        }

        @Override
        public void error(String error) {
            out.add("error:" + error);
        }
    }

    private static byte[] session() {
        byte[] json = "{\"tcp_port\":4150}".getBytes(StandardCharsets.UTF_8);
        String tail = "REGISTER t1 c1\nPING\r\nUNREGISTER t1\n";
        return ByteBuffer.allocate(4 + 9 + 4 + json.length + 9 + 4 + tail.length())
                .put("  V1".getBytes(StandardCharsets.US_ASCII))
                .put("IDENTIFY\n".getBytes(StandardCharsets.US_ASCII)).putInt(json.length).put(json)
                .put("IDENTIFY\n".getBytes(StandardCharsets.US_ASCII)).putInt(0)
                .put(tail.getBytes(StandardCharsets.US_ASCII)).array();
    }

    private static final List<String> EXPECTED = List.of("line:IDENTIFY", "body:{\"tcp_port\":4150}",
            "line:IDENTIFY", "body:", "line:REGISTER t1 c1", "line:PING\r", "line:UNREGISTER t1");

    private static List<String> feed(byte[] input, int[] cuts) {
        Events e = new Events();
        V1Decoder d = new V1Decoder(e, 64, 1024, "IDENTIFY");
        int pos = 0;
        for (int cut : cuts) {
            d.handle(Buffer.buffer(java.util.Arrays.copyOfRange(input, pos, cut)));
            pos = cut;
        }
        d.handle(Buffer.buffer(java.util.Arrays.copyOfRange(input, pos, input.length)));
        return e.out;
    }

    @Test
    void wholeInput() {
        assertThat(feed(session(), new int[0])).isEqualTo(EXPECTED);
    }

    @Test
    void oneByteAtATime() {
        byte[] in = session();
        int[] cuts = new int[in.length - 1];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = i + 1;
        }
        assertThat(feed(in, cuts)).isEqualTo(EXPECTED);
    }

    @Test
    void randomSplits() {
        byte[] in = session();
        Random rnd = new Random(1234);
        for (int round = 0; round < 500; round++) {
            int n = rnd.nextInt(8);
            int[] cuts = rnd.ints(n, 0, in.length + 1).sorted().toArray();
            assertThat(feed(in, cuts)).as("cuts %s", java.util.Arrays.toString(cuts)).isEqualTo(EXPECTED);
        }
    }

    @Test
    void badMagic() {
        assertThat(feed("  V2PING\n".getBytes(StandardCharsets.US_ASCII), new int[] {2}))
                .containsExactly("error:E_BAD_PROTOCOL");
    }

    @Test
    void lineTooLongWithoutNewline() {
        byte[] in = ("  V1" + "A".repeat(100)).getBytes(StandardCharsets.US_ASCII);
        assertThat(feed(in, new int[] {10, 50})).containsExactly("error:E_INVALID command line too long");
    }

    @Test
    void bodyTooLargeAndNothingAfterAnError() {
        byte[] in = ByteBuffer.allocate(4 + 9 + 4 + 5).put("  V1IDENTIFY\n".getBytes(StandardCharsets.US_ASCII))
                .putInt(2048).put("PING\n".getBytes(StandardCharsets.US_ASCII)).array();
        assertThat(feed(in, new int[] {15})).containsExactly("line:IDENTIFY", "error:E_BAD_BODY IDENTIFY invalid body size 2048");
    }
}
