package io.nodeq.protocol;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class FrameCodecTest {

    @Test
    void okAndHeartbeatFramesAreNsqdsBytes() {
        assertThat(Frames.ok().getBytes()).containsExactly(0, 0, 0, 6, 0, 0, 0, 0, 'O', 'K');
        assertThat(Frames.heartbeat().getInt(0)).isEqualTo(15);
        assertThat(Frames.error(ProtocolError.of(ErrorCodes.E_BAD_PROTOCOL, null)).getBytes())
                .containsExactly(0x00, 0x00, 0x00, 0x12, 0x00, 0x00, 0x00, 0x01,
                        0x45, 0x5f, 0x42, 0x41, 0x44, 0x5f, 0x50, 0x52, 0x4f, 0x54, 0x4f, 0x43, 0x4f, 0x4c);
    }

    @Test
    void messageFrameLayout() {
        Buffer b = Buffer.buffer();
        Frames.appendMessage(b, 0x18ea84bb1d0e9250L, 1, 0x18a4efabe0269000L, "hello".getBytes());
        assertThat(b.getInt(0)).isEqualTo(35);
        assertThat(b.getInt(4)).isEqualTo(Frames.FRAME_TYPE_MESSAGE);
        assertThat(b.getLong(8)).isEqualTo(0x18ea84bb1d0e9250L);
        assertThat(b.getUnsignedShort(16)).isEqualTo(1);
        assertThat(b.getString(18, 34)).isEqualTo("18a4efabe0269000");
        assertThat(b.getString(34, 39)).isEqualTo("hello");
        assertThat(b.length()).isEqualTo(Frames.messageFrameSize(5));
    }

    @Test
    void frameDecoderRoundTripsAnySplit() {
        Buffer in = Buffer.buffer();
        in.appendBuffer(Frames.ok()).appendBuffer(Frames.heartbeat());
        Frames.appendMessage(in, 123L, 65535, 42L, "body-1".getBytes());
        in.appendBuffer(Frames.error(ProtocolError.of(ErrorCodes.E_FIN_FAILED, "FIN x failed ID not in flight")));
        Frames.appendMessage(in, 456L, 2, 43L, new byte[3000]);
        List<String> expected = decodeAll(in, new int[0]);
        assertThat(expected).containsExactly("R:OK", "R:_heartbeat_", "M:123:65535:000000000000002a:body-1",
                "E:E_FIN_FAILED FIN x failed ID not in flight", "M:456:2:000000000000002b:" + new String(new byte[3000]));
        Random random = new Random(7);
        for (int i = 0; i < 300; i++) {
            int[] splits = random.ints(1 + random.nextInt(10), 0, in.length() + 1).sorted().toArray();
            assertThat(decodeAll(in, splits)).isEqualTo(expected);
        }
    }

    @Test
    void frameDecoderRejectsBadSizes() {
        List<String> out = decodeAll(Buffer.buffer().appendInt(2).appendInt(0), new int[0]);
        assertThat(out).containsExactly("F:invalid frame size 2");
        // a size cut in two by the reads, after a whole frame: the frame is decoded, then the stream fails
        Buffer in = Buffer.buffer().appendBuffer(Frames.ok()).appendInt(1 << 21).appendInt(0);
        for (int split = 0; split <= in.length(); split++) {
            assertThat(decodeAll(in, new int[] {split})).as("split at %d", split)
                    .containsExactly("R:OK", "F:invalid frame size " + (1 << 21));
        }
    }

    private static List<String> decodeAll(Buffer in, int[] splits) {
        List<String> out = new ArrayList<>();
        FrameDecoder d = new FrameDecoder(1 << 20, new FrameDecoder.Sink() {
            public void response(byte[] data) {
                out.add("R:" + new String(data, StandardCharsets.UTF_8));
            }

            public void error(String text) {
                out.add("E:" + text);
            }

            public void message(NsqMessage m) {
                out.add("M:" + m.timestampNs() + ":" + m.attempts() + ":" + m.idString() + ":" + m.bodyString());
            }

            public void failure(String reason) {
                out.add("F:" + reason);
            }
        });
        int pos = 0;
        for (int s : splits) {
            d.handle(in.getBuffer(pos, s));
            pos = s;
        }
        d.handle(in.getBuffer(pos, in.length()));
        return out;
    }

    @Test
    void messageIdsAreSixteenHexBytesAndParseBack() {
        Random random = new Random(3);
        for (int i = 0; i < 1000; i++) {
            long id = random.nextLong();
            String hex = MessageIds.toHex(id);
            assertThat(hex).hasSize(16).matches("[0-9a-f]{16}");
            assertThat(MessageIds.isHexId(hex)).isTrue();
            assertThat(MessageIds.parseHex(hex)).isEqualTo(id);
            assertThat(MessageIds.parseHex(hex.getBytes(StandardCharsets.US_ASCII), 0)).isEqualTo(id);
        }
        assertThat(MessageIds.isHexId("0123456789abcdeg")).isFalse();
        assertThat(MessageIds.isHexId("0123")).isFalse();
    }

    @Test
    void idGeneratorIsUniqueAndIncreasingBeyondTheSequenceSpace() {
        IdGenerator g = new IdGenerator(1023);
        Set<Long> seen = new HashSet<>();
        long last = Long.MIN_VALUE;
        for (int i = 0; i < 50_000; i++) {
            long id = g.next();
            assertThat(id).isGreaterThan(last);
            assertThat((id >>> 12) & 1023).isEqualTo(1023);
            last = id;
            seen.add(id);
        }
        assertThat(seen).hasSize(50_000);
    }

    @Test
    void namesFollowNsqRules() {
        assertThat(Names.isValidTopicName("test")).isTrue();
        assertThat(Names.isValidTopicName("test-with_period.")).isTrue();
        assertThat(Names.isValidTopicName("test#ephemeral")).isTrue();
        assertThat(Names.isValidTopicName("test:ephemeral")).isFalse();
        assertThat(Names.isValidTopicName("")).isFalse();
        assertThat(Names.isValidTopicName("#ephemeral")).isFalse();
        assertThat(Names.isValidTopicName("a".repeat(64))).isTrue();
        assertThat(Names.isValidTopicName("a".repeat(65))).isFalse();
        assertThat(Names.isValidChannelName("a".repeat(54) + "#ephemeral")).isTrue();
        assertThat(Names.isValidChannelName("a".repeat(55) + "#ephemeral")).isFalse();
        assertThat(Names.isValidTopicName("..")).isTrue();
        assertThat(Names.isEphemeral("x#ephemeral")).isTrue();
        assertThat(GoQuote.quote("a\"b")).isEqualTo("\"a\\\"b\"");
    }
}
