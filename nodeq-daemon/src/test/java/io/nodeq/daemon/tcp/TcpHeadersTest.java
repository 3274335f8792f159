package io.nodeq.daemon.tcp;

import io.nodeq.daemon.DaemonExtension;
import io.nodeq.daemon.RawClient;
import io.nodeq.protocol.Headers;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.nodeq.daemon.DaemonExtension.unique;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Message headers over raw TCP (PROTOCOL-EXTENSIONS.md): IDENTIFY {@code nodeq_headers}, PUB, DPUB
 * and MPUB bodies with a header block, frames with the block for negotiating consumers and NSQ's
 * frame (payload only) for the others, malformed blocks, and the block read back from the log after
 * a restart and from a disk read batch (--mem-queue-size 4: a channel that fell behind reads the
 * segment files).
 */
class TcpHeadersTest {
    @RegisterExtension
    static final DaemonExtension D = new DaemonExtension(b -> b.memQueueSize(4));

    private static final String HEADERS_IDENTIFY = "{\"feature_negotiation\":true,\"nodeq_headers\":true}";

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static RawClient headersClient() throws Exception {
        RawClient c = D.client();
        assertThat(c.identify(HEADERS_IDENTIFY)).endsWith(",\"topology_zone\":\"\",\"nodeq_headers\":true}");
        return c;
    }

    private static RawClient subscribe(RawClient c, String topic, String channel, int rdy) throws Exception {
        assertThat(c.sub(topic, channel)).isEqualTo("OK");
        c.rdy(rdy);
        return c;
    }

    /** Reads {@code n} messages, FINs them, and maps payload text (after the block) to the block's headers. */
    private static Map<String, Headers> readHeaders(RawClient c, int n) throws Exception {
        Map<String, Headers> out = new HashMap<>();
        for (int i = 0; i < n; i++) {
            RawClient.Frame m = c.readMessage();
            byte[] body = m.bodyBytes();
            int block = Headers.blockLength(body, 0, body.length);
            out.put(new String(body, block, body.length - block, StandardCharsets.UTF_8), Headers.decode(body, 0));
            c.fin(m.id());
        }
        return out;
    }

    @Test
    void identifyGrantsHeadersOnlyWhenAskedWithFeatureNegotiation() throws Exception {
        try (RawClient c = D.client()) {
            assertThat(c.identify("{\"feature_negotiation\":true}")).doesNotContain("nodeq_headers");
        }
        try (RawClient c = D.client()) {
            assertThat(c.identify("{\"nodeq_headers\":true}")).isEqualTo("OK");
            // not granted: the body is the payload, 00 00 included
            String topic = unique("hdr-nofn");
            assertThat(c.pub(topic, new byte[] {0, 0})).isEqualTo("OK");
        }
        try (RawClient c = D.client()) {
            assertThat(c.identify("{\"feature_negotiation\":true,\"nodeq_headers\":\"yes\"}"))
                    .isEqualTo("ERROR E_BAD_BODY IDENTIFY failed to decode JSON body");
        }
    }

    @Test
    void pubDpubAndMpubCarryHeadersToNegotiatingConsumers() throws Exception {
        String topic = unique("hdr-rt");
        try (RawClient consumer = subscribe(headersClient(), topic, "c", 10);
             RawClient producer = headersClient()) {
            Headers trace = Headers.of("Trace-Id", "abc", Headers.MSG_ID, "k-1");
            assertThat(producer.pub(topic, trace.frame(utf8("pub")))).isEqualTo("OK");
            assertThat(producer.dpub(topic, 10, Headers.of("Kind", "deferred").frame(utf8("dpub")))).isEqualTo("OK");
            List<byte[]> batch = List.of(Headers.of("N", "0").frame(utf8("m0")), Headers.NONE.frame(utf8("m1")),
                    Headers.of("N", "2", "Unicode", "é✓").frame(utf8("m2")));
            assertThat(producer.mpub(topic, batch)).isEqualTo("OK");

            Map<String, Headers> got = readHeaders(consumer, 5);
            assertThat(got).containsOnlyKeys("pub", "dpub", "m0", "m1", "m2");
            assertThat(got.get("pub")).isEqualTo(trace);
            assertThat(got.get("dpub")).isEqualTo(Headers.of("Kind", "deferred"));
            assertThat(got.get("m0")).isEqualTo(Headers.of("N", "0"));
            assertThat(got.get("m1")).isEqualTo(Headers.NONE);
            assertThat(got.get("m2").get("unicode")).isEqualTo("é✓");
        }
    }

    @Test
    void aMessageWithoutHeadersReachesANegotiatingConsumerWithAnEmptyBlock() throws Exception {
        String topic = unique("hdr-empty");
        try (RawClient consumer = subscribe(headersClient(), topic, "c", 2); RawClient plain = D.client()) {
            assertThat(plain.pub(topic, "plain")).isEqualTo("OK");
            RawClient.Frame m = consumer.readMessage();
            assertThat(m.bodyBytes()).isEqualTo(Buffer.buffer().appendShort((short) 0).appendString("plain").getBytes());
        }
    }

    @Test
    void plainConsumersGetNsqsFrameWithThePayloadOnly() throws Exception {
        String topic = unique("hdr-plain");
        try (RawClient headers = subscribe(headersClient(), topic, "shared", 0);
             RawClient plainOther = subscribe(D.client(), topic, "other", 1);
             RawClient producer = headersClient()) {
            byte[] payload = utf8("only-the-payload");
            assertThat(producer.pub(topic, Headers.of("A", "1").frame(payload))).isEqualTo("OK");
            RawClient.Frame m = plainOther.readMessage();
            // NSQ's frame exactly: size, type 2, timestamp, attempts, ID, payload
            assertThat(m.data()).hasSize(26 + payload.length);
            assertThat(m.bodyBytes()).isEqualTo(payload);
            assertThat(m.attempts()).isEqualTo(1);
            assertThat(headers.quietFor(100)).isTrue();
        }
        // a plain consumer on the channel a negotiating one shares
        try (RawClient plainShared = subscribe(D.client(), topic, "shared", 1)) {
            assertThat(plainShared.readMessage().bodyBytes()).isEqualTo(utf8("only-the-payload"));
        }
    }

    @Test
    void malformedBlocksAreFatalBadMessage() throws Exception {
        String topic = unique("hdr-bad");
        byte[] overrun = {0, 9, 3, 'a', 'b', 'c', 0, 1, 'x'};
        try (RawClient c = headersClient()) {
            assertThat(c.pub(topic, overrun))
                    .isEqualTo("ERROR E_BAD_MESSAGE PUB bad headers: headers length 9 exceeds body size 9");
            assertThat(c.closedByServer(2000)).isTrue();
        }
        try (RawClient c = headersClient()) {
            byte[] badName = {0, 4, 1, ' ', 0, 0, 'p'};
            assertThat(c.mpub(topic, List.of(Headers.NONE.frame(utf8("ok")), badName)))
                    .isEqualTo("ERROR E_BAD_MESSAGE MPUB message(1) bad headers: bad character in header name at byte 3");
            assertThat(c.closedByServer(2000)).isTrue();
        }
        try (RawClient c = headersClient()) {
            assertThat(c.pub(topic, Headers.of("A", "1").encode()))
                    .isEqualTo("ERROR E_BAD_MESSAGE PUB invalid message body size 0");
            assertThat(c.closedByServer(2000)).isTrue();
        }
        try (RawClient c = headersClient()) {
            assertThat(c.pub(topic, new byte[] {7})).startsWith("ERROR E_BAD_MESSAGE PUB bad headers: ");
        }
        // nothing of it was stored
        try (RawClient c = D.client()) {
            assertThat(c.sub(topic, "c")).isEqualTo("OK");
            c.rdy(5);
            assertThat(c.quietFor(200)).isTrue();
        }
    }

    @Test
    void headersSurviveARestartAndComeFromADiskReadBatch() throws Exception {
        String topic = unique("hdr-disk");
        int count = 40; // ten times --mem-queue-size: most of them only in the segment files
        try (RawClient c = headersClient()) {
            assertThat(c.sub(topic, "behind")).isEqualTo("OK"); // subscribed, RDY 0: falls behind
            try (RawClient producer = headersClient()) {
                for (int i = 0; i < count; i++) {
                    Headers h = i % 3 == 0 ? Headers.NONE : Headers.of("Seq", Integer.toString(i));
                    assertThat(producer.pub(topic, h.frame(utf8("m" + i)))).isEqualTo("OK");
                }
            }
            c.rdy(count);
            assertDelivered(readHeaders(c, 10), 10);
        }
        D.restart();
        try (RawClient c = subscribe(headersClient(), topic, "behind", count)) {
            Map<String, Headers> got = readHeaders(c, count - 10);
            assertThat(got).hasSize(count - 10);
            for (int i = 10; i < count; i++) {
                assertThat(got.get("m" + i)).isEqualTo(i % 3 == 0 ? Headers.NONE : Headers.of("Seq", Integer.toString(i)));
            }
        }
    }

    private static void assertDelivered(Map<String, Headers> got, int n) {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            expected.add("m" + i);
            assertThat(got.get("m" + i)).isEqualTo(i % 3 == 0 ? Headers.NONE : Headers.of("Seq", Integer.toString(i)));
        }
        assertThat(got.keySet()).containsExactlyInAnyOrderElementsOf(expected);
    }
}
