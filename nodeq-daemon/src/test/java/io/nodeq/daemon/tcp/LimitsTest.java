package io.nodeq.daemon.tcp;

import io.nodeq.daemon.DaemonExtension;
import io.nodeq.daemon.RawClient;
import io.nodeq.protocol.Commands;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;

import static io.nodeq.daemon.DaemonExtension.unique;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Size and count limits with nsqd's exact error texts (nsq-protocol.md §1.6, §1.16): nsqd's
 * TestSizeLimits (max-msg-size 100, max-body-size 1000) and TestMaxRdyCount (max-rdy-count 50).
 */
class LimitsTest {
    @RegisterExtension
    static final DaemonExtension D = new DaemonExtension(b -> b.maxMsgSize(100).maxBodySize(1000).maxRdyCount(50));

    @Test
    void pubBodySizes() throws Exception {
        String topic = unique("size");
        try (RawClient c = D.client()) {
            assertThat(c.send(Commands.pub(Buffer.buffer(), topic, bytes(95, 'a'))).readResponse()).isEqualTo("OK");
            assertThat(c.send(Commands.pub(Buffer.buffer(), topic, bytes(100, 'a'))).readResponse()).isEqualTo("OK");
        }
        assertFatal(Commands.pub(Buffer.buffer(), topic, bytes(105, 'a')), "E_BAD_MESSAGE PUB message too big 105 > 100");
        assertFatal(Buffer.buffer("PUB " + topic + "\n").appendInt(0), "E_BAD_MESSAGE PUB invalid message body size 0");
        assertFatal(Buffer.buffer("PUB " + topic + "\n").appendInt(-1), "E_BAD_MESSAGE PUB invalid message body size -1");
        assertFatal(Buffer.buffer("DPUB " + topic + " 10\n").appendInt(101).appendBytes(bytes(101, 'd')),
                "E_BAD_MESSAGE DPUB message too big 101 > 100");
        assertFatal(Buffer.buffer("DPUB " + topic + " 10\n").appendInt(0), "E_BAD_MESSAGE DPUB invalid message body size 0");
    }

    @Test
    void mpubBodyAndMessageSizes() throws Exception {
        String topic = unique("msize");
        try (RawClient c = D.client()) {
            assertThat(c.mpub(topic, repeat(5, 100))).isEqualTo("OK");
        }
        assertFatal(Commands.mpub(Buffer.buffer(), topic, repeat(11, 100)), "E_BAD_BODY MPUB body too big 1148 > 1000");
        List<byte[]> sixthEmpty = repeat(5, 100);
        sixthEmpty.add(new byte[0]);
        assertFatal(Commands.mpub(Buffer.buffer(), topic, sixthEmpty), "E_BAD_MESSAGE MPUB invalid message(5) body size 0");
        assertFatal(Commands.mpub(Buffer.buffer(), topic, repeat(5, 101)), "E_BAD_MESSAGE MPUB message too big 101 > 100");
        assertFatal(Buffer.buffer("MPUB " + topic + "\n").appendInt(0), "E_BAD_BODY MPUB invalid body size 0");
        assertFatal(Buffer.buffer("MPUB " + topic + "\n").appendInt(8).appendInt(0).appendInt(0),
                "E_BAD_BODY MPUB invalid message count 0");
        // at most (max_body_size - 4) / 5 = 199 messages
        assertFatal(Buffer.buffer("MPUB " + topic + "\n").appendInt(8).appendInt(200).appendInt(0),
                "E_BAD_BODY MPUB invalid message count 200");
        assertFatal(Buffer.buffer("MPUB " + topic + "\n").appendInt(12).appendInt(1).appendInt(-3).appendInt(0),
                "E_BAD_MESSAGE MPUB invalid message(0) body size -3");
    }

    @Test
    void dpubAboveTheDefaultMaxReqTimeout() throws Exception {
        assertFatal(Buffer.buffer("DPUB " + unique("dpub") + " 3600100\n").appendInt(1).appendString("x"),
                "E_INVALID DPUB timeout 3600100 out of range 0-3600000");
    }

    @Test
    void identifyBodySize() throws Exception {
        assertFatal(Buffer.buffer("IDENTIFY\n").appendInt(1001).appendBytes(bytes(1001, ' ')),
                "E_BAD_BODY IDENTIFY body too big 1001 > 1000");
        assertFatal(Buffer.buffer("IDENTIFY\n").appendInt(0), "E_BAD_BODY IDENTIFY invalid body size 0");
    }

    @Test
    void maxRdyCount() throws Exception {
        String topic = unique("rdy");
        try (RawClient c = D.client(); RawClient p = D.client()) {
            assertThat(c.identify("{\"feature_negotiation\":true}")).startsWith("{\"max_rdy_count\":50,");
            assertThat(c.sub(topic, "ch")).isEqualTo("OK");
            c.rdy(50);
            assertThat(p.pub(topic, "at max rdy")).isEqualTo("OK");
            assertThat(c.readMessage().body()).isEqualTo("at max rdy");
            c.rdy(51);
            assertThat(c.readResponse()).isEqualTo("ERROR E_INVALID RDY count 51 out of range 0-50");
            assertThat(c.closedByServer(2000)).isTrue();
        }
        try (RawClient c = D.client()) {
            assertThat(c.sub(topic, "ch2")).isEqualTo("OK");
            c.send("RDY -1\n");
            assertThat(c.readResponse()).isEqualTo("ERROR E_INVALID RDY could not parse count -1");
            assertThat(c.closedByServer(2000)).isTrue();
        }
    }

    private static void assertFatal(Buffer command, String error) throws Exception {
        try (RawClient c = D.client()) {
            assertThat(c.answerThenClose(command)).isEqualTo("ERROR " + error);
        }
    }

    static byte[] bytes(int n, char fill) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) fill);
        return b;
    }

    private static List<byte[]> repeat(int count, int size) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(bytes(size, (char) ('a' + i)));
        }
        return out;
    }
}
