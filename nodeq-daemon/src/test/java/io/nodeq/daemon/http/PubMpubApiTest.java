package io.nodeq.daemon.http;

import io.nodeq.daemon.RawClient;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static io.nodeq.daemon.http.HttpClientSupport.assertError;
import static io.nodeq.daemon.http.HttpClientSupport.assertOkText;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * /pub and /mpub on a real daemon (one per test, with the limits it needs): every check of
 * nsq-protocol.md §2.4 in nsqd's order, and nsqd's TestHTTPpub, TestHTTPpubEmpty, TestHTTPpubDefer,
 * TestHTTPmpub, TestHTTPmpubEmpty and TestHTTPmpubBinary. Storage refusals and faults inside the
 * broker, which a real daemon cannot be made to produce on demand, are in {@link FakeBrokerApiTest}.
 */
class PubMpubApiTest extends RealDaemonFixture {

    @Test
    void pubPublishesTheBodyAndAnswersOk() throws Exception {
        start();
        assertOkText(http.post("/pub?topic=t1", "hello"));
        assertThat(bodies("t1")).containsExactly("hello");
    }

    @Test
    void pubErrorsInNsqdOrder() throws Exception {
        start(b -> b.maxMsgSize(10));
        assertError(http.post("/pub?topic=t1"), 400, "MSG_EMPTY");
        assertError(http.post("/pub", "x"), 400, "MISSING_ARG_TOPIC");
        assertError(http.post("/pub?topic=bad:topic", "x"), 400, "INVALID_TOPIC");
        assertError(http.post("/pub?topic=", "x"), 400, "INVALID_TOPIC");
        // the size check comes before the topic check
        assertError(http.post("/pub", "01234567890"), 413, "MSG_TOO_BIG");
        assertThat(topicNames()).isEmpty();
    }

    @Test
    void pubSizeLimitFromContentLengthAndFromChunkedBody() throws Exception {
        start(b -> b.maxMsgSize(1000));
        assertOkText(http.post("/pub?topic=t1", new byte[1000]));
        assertError(http.post("/pub?topic=t1", new byte[1001]), 413, "MSG_TOO_BIG");
        assertOkText(http.postChunked("/pub?topic=t1", new byte[1000]));
        assertError(http.postChunked("/pub?topic=t1", new byte[200_000]), 413, "MSG_TOO_BIG");
        // the connection (or a new one) still works after an oversized body
        assertOkText(http.post("/pub?topic=t1", "after"));
        assertThat(topicDepth("t1")).isEqualTo(3);
    }

    @Test
    void parametersComeFromTheQueryStringOnly() throws Exception {
        start();
        assertError(http.post("/pub", "topic=t1"), 400, "MISSING_ARG_TOPIC");
        // only the first value of a repeated parameter counts
        assertOkText(http.post("/pub?topic=first&topic=second", "x"));
        assertThat(topicNames()).containsExactly("first");
    }

    @Test
    void pubDeferWaitsInTheChannelAndDeferIsChecked() throws Exception {
        start();
        assertThat(http.post("/topic/create?topic=t1").statusCode()).isEqualTo(200);
        assertThat(http.post("/channel/create?topic=t1&channel=ch").statusCode()).isEqualTo(200);
        assertOkText(http.post("/pub?topic=t1&defer=1000", "d"));
        await().atMost(Duration.ofSeconds(5)).until(() -> channel("t1", "ch").getLong("deferred_count") == 1);
        assertOkText(http.post("/pub?topic=t1&defer=3600000", "d"));
        assertError(http.post("/pub?topic=t2&defer=abc", "d"), 400, "INVALID_DEFER");
        assertError(http.post("/pub?topic=t2&defer=-1", "d"), 400, "INVALID_DEFER");
        assertError(http.post("/pub?topic=t2&defer=3600001", "d"), 400, "INVALID_DEFER");
        assertError(http.post("/pub?topic=t2&defer=", "d"), 400, "INVALID_DEFER");
        // nsqd has created the topic by the time it looks at defer
        assertThat(topicDepth("t2")).isZero();
    }

    @Test
    void pubBodyArrivesByteForByte() throws Exception {
        start(b -> b.maxMsgSize(4096));
        byte[] body = new byte[4096];
        new Random(7).nextBytes(body);
        try (RawClient c = new RawClient(daemon.tcpPort())) {
            assertThat(c.sub("t1", "ch")).isEqualTo("OK");
            c.rdy(1);
            assertOkText(http.post("/pub?topic=t1", body));
            byte[] data = c.readMessage().data();
            assertThat(Arrays.copyOfRange(data, 26, data.length)).isEqualTo(body);
        }
    }

    @Test
    void mpubTextSplitsOnNewlinesAndSkipsEmptyLines() throws Exception {
        start();
        assertOkText(http.post("/mpub?topic=t1", "a\nbb\nccc\ndddd"));
        assertOkText(http.post("/mpub?topic=t2", "a\nbb\nccc\ndddd\n"));
        assertOkText(http.post("/mpub?topic=t3", "\n\na\r\n\nb\n\n"));
        assertOkText(http.post("/mpub?topic=t4&binary=false", "x\ny"));
        assertThat(bodies("t1")).containsExactly("a", "bb", "ccc", "dddd");
        assertThat(bodies("t2")).containsExactly("a", "bb", "ccc", "dddd");
        assertThat(bodies("t3")).containsExactly("a\r", "b");
        assertThat(bodies("t4")).containsExactly("x", "y");
    }

    @Test
    void mpubConsumerReceivesEveryLine() throws Exception {
        start();
        try (RawClient c = new RawClient(daemon.tcpPort())) {
            assertThat(c.sub("t1", "ch")).isEqualTo("OK");
            c.rdy(10);
            assertOkText(http.post("/mpub?topic=t1", "a\n\nbb\r\nccc\n"));
            Set<String> bodies = new HashSet<>();
            for (int i = 0; i < 3; i++) {
                bodies.add(c.readMessage().body());
            }
            assertThat(bodies).containsExactlyInAnyOrder("a", "bb\r", "ccc");
        }
    }

    @Test
    void mpubWithNoMessagesCreatesTheTopicAndAnswersOk() throws Exception {
        start();
        assertOkText(http.post("/mpub?topic=t1", "\n\n"));
        assertOkText(http.post("/mpub?topic=t2"));
        assertThat(topicNames()).containsExactlyInAnyOrder("t1", "t2");
        assertThat(topicDepth("t1")).isZero();
        assertThat(topicDepth("t2")).isZero();
    }

    @Test
    void mpubTextLimits() throws Exception {
        start(b -> b.maxMsgSize(10).maxBodySize(100));
        assertError(http.post("/mpub?topic=t1", "short\n01234567890\nx"), 413, "MSG_TOO_BIG");
        assertError(http.post("/mpub?topic=t1", new byte[101]), 413, "BODY_TOO_BIG");
        assertError(http.postChunked("/mpub?topic=t1", "a\n".repeat(51).getBytes()), 413, "BODY_TOO_BIG");
        // an over-long line before the limit is what nsqd trips over first
        assertError(http.postChunked("/mpub?topic=t1", ("01234567890\n" + "a\n".repeat(60)).getBytes()), 413,
                "MSG_TOO_BIG");
        assertOkText(http.postChunked("/mpub?topic=t1", "a\n".repeat(50).getBytes()));
        assertThat(bodies("t1")).hasSize(50);
    }

    @Test
    void mpubTopicErrorsComeBeforeTheBody() throws Exception {
        start(b -> b.maxBodySize(1024 * 1024));
        assertError(http.post("/mpub", "a\nb"), 400, "MISSING_ARG_TOPIC");
        assertError(http.post("/mpub?topic=a:b", "a\nb"), 400, "INVALID_TOPIC");
        // Content-Length over max-body-size is checked even before the topic
        assertError(http.post("/mpub", new byte[1024 * 1024 + 1]), 413, "BODY_TOO_BIG");
    }

    @Test
    void mpubBinary() throws Exception {
        start();
        byte[] body = binary("m1", "m2", "m3", "m4", "m5");
        assertOkText(http.post("/mpub?topic=t1&binary=true", body));
        assertOkText(http.post("/mpub?topic=t2&binary=1", body));
        assertOkText(http.post("/mpub?topic=t3&binary=non_normalized_binary_param", body));
        for (String t : List.of("t1", "t2", "t3")) {
            assertThat(bodies(t)).containsExactly("m1", "m2", "m3", "m4", "m5");
        }
    }

    @Test
    void mpubBinaryErrorsAre413WithTheTcpCode() throws Exception {
        start(b -> b.maxMsgSize(10).maxBodySize(1000));
        assertError(http.post("/mpub?topic=t1&binary=true", new byte[] {0, 0}), 413, "BAD_BODY");
        assertError(http.post("/mpub?topic=t1&binary=true", new byte[] {0, 0, 0, 0}), 413, "BAD_BODY");
        assertError(http.post("/mpub?topic=t1&binary=true", new byte[] {0, 0, 0, (byte) 200}), 413, "BAD_BODY");
        assertError(http.post("/mpub?topic=t1&binary=true", new byte[] {0, 0, 0, 2, 0, 0, 0, 1, 'a'}), 413,
                "BAD_MESSAGE");
        assertError(http.post("/mpub?topic=t1&binary=true", binary("01234567890")), 413, "BAD_MESSAGE");
        assertError(http.post("/mpub?topic=t1&binary=true", new byte[] {0, 0, 0, 1, 0, 0, 0, 0}), 413,
                "BAD_MESSAGE");
        // all or nothing; the topic exists (nsqd creates it before reading the body)
        assertThat(topicDepth("t1")).isZero();
    }

    @Test
    void expectContinueIsAnsweredWhenTheBodyIsWantedAndNotWhenRejectedUpFront() throws Exception {
        start(b -> b.maxMsgSize(100));
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port())) {
            socket.setSoTimeout(10_000);
            java.io.OutputStream out = socket.getOutputStream();
            java.io.InputStream in = socket.getInputStream();
            out.write(("POST /pub?topic=t1 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            assertThat(readUntil(in, "\r\n\r\n")).startsWith("HTTP/1.1 100 Continue\r\n");
            out.write("hello".getBytes(StandardCharsets.ISO_8859_1));
            assertThat(readUntil(in, "\r\n\r\nOK")).startsWith("HTTP/1.1 200 OK\r\n");
            // over the limit by Content-Length: the final answer comes without a 100 and without the body
            out.write(("POST /pub?topic=t1 HTTP/1.1\r\nHost: x\r\nContent-Length: 101\r\nExpect: 100-continue\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            assertThat(readUntil(in, "}")).startsWith("HTTP/1.1 413 ").endsWith("{\"message\":\"MSG_TOO_BIG\"}");
        }
        assertThat(bodies("t1")).containsExactly("hello");
    }

    private static String readUntil(java.io.InputStream in, String end) throws Exception {
        StringBuilder b = new StringBuilder();
        while (!b.toString().endsWith(end)) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            b.append((char) c);
        }
        return b.toString();
    }

    static byte[] binary(String... messages) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DataOutputStream data = new DataOutputStream(out);
        data.writeInt(messages.length);
        for (String m : messages) {
            byte[] b = m.getBytes(StandardCharsets.UTF_8);
            data.writeInt(b.length);
            data.write(b);
        }
        return Arrays.copyOf(out.toByteArray(), out.size());
    }
}
