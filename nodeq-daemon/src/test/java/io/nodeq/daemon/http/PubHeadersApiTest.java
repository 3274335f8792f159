package io.nodeq.daemon.http;

import io.nodeq.daemon.RawClient;
import io.nodeq.protocol.Headers;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static io.nodeq.daemon.http.HttpClientSupport.assertError;
import static io.nodeq.daemon.http.HttpClientSupport.assertOkText;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Message headers through the HTTP API (PROTOCOL-EXTENSIONS.md): {@code Nodeq-Header-<Name>} and
 * {@code Nodeq-Msg-Id} request headers on /pub and /mpub, the 400s for bad ones, and
 * --max-msg-size counting the header block.
 */
class PubHeadersApiTest extends RealDaemonFixture {

    /** Subscribes a nodeq_headers consumer to a new channel and reads n bodies as (headers, payload). */
    private List<Object[]> consume(String topic, int n) throws Exception {
        List<Object[]> out = new ArrayList<>();
        try (RawClient c = new RawClient(daemon.tcpPort())) {
            assertThat(c.identify("{\"feature_negotiation\":true,\"nodeq_headers\":true}")).contains("nodeq_headers");
            assertThat(c.sub(topic, "headers")).isEqualTo("OK");
            c.rdy(n);
            for (int i = 0; i < n; i++) {
                RawClient.Frame m = c.readMessage();
                byte[] body = m.bodyBytes();
                int block = Headers.blockLength(body, 0, body.length);
                out.add(new Object[] {Headers.decode(body, 0), new String(body, block, body.length - block,
                        StandardCharsets.UTF_8)});
                c.fin(m.id());
            }
        }
        return out;
    }

    @Test
    void pubTurnsNodeqHeaderAndMsgIdRequestHeadersIntoMessageHeaders() throws Exception {
        start();
        http.post("/topic/create?topic=h1");
        http.post("/channel/create?topic=h1&channel=plain");
        http.post("/channel/create?topic=h1&channel=headers");
        assertOkText(http.post("/pub?topic=h1", "payload", "Nodeq-Header-Trace-Id", "abc",
                "Nodeq-Msg-Id", "key-1", "X-Other", "ignored"));
        assertOkText(http.post("/pub?topic=h1", "bare"));
        List<Object[]> got = consume("h1", 2);
        assertThat(got.get(0)).containsExactly(Headers.of("Trace-Id", "abc", Headers.MSG_ID, "key-1"), "payload");
        assertThat(got.get(1)).containsExactly(Headers.NONE, "bare");
        try (RawClient plain = new RawClient(daemon.tcpPort())) {
            assertThat(plain.sub("h1", "plain")).isEqualTo("OK");
            plain.rdy(2);
            assertThat(plain.readMessage().body()).isEqualTo("payload");
            assertThat(plain.readMessage().body()).isEqualTo("bare");
        }
    }

    @Test
    void mpubPutsTheSameHeadersOnEveryMessageAndRefusesAMsgId() throws Exception {
        start();
        assertOkText(http.post("/mpub?topic=h2", "one\ntwo\n", "Nodeq-Header-Batch", "7"));
        List<Object[]> got = consume("h2", 2);
        assertThat(got.get(0)).containsExactly(Headers.of("Batch", "7"), "one");
        assertThat(got.get(1)).containsExactly(Headers.of("Batch", "7"), "two");
        assertError(http.post("/mpub?topic=h2", "a\nb\n", "Nodeq-Msg-Id", "k"), 400, "MSG_ID_NOT_ALLOWED_ON_MPUB");
    }

    @Test
    void badHeadersAreRefusedWithAReason() throws Exception {
        start();
        assertError(http.post("/pub?topic=h3", "x", "Nodeq-Header-a+b", "1"), 400, "INVALID_HEADER_NAME");
        assertError(http.post("/pub?topic=h3", "x", "Nodeq-Header-", "1"), 400, "INVALID_HEADER_NAME");
        assertError(http.post("/pub?topic=h3", "x", "Nodeq-Header-A", "1", "Nodeq-Header-A", "2"), 400,
                "DUPLICATE_HEADER");
        assertError(http.post("/pub?topic=h3", "x", "Nodeq-Msg-Id", "1", "Nodeq-Header-nodeq-msg-id", "2"), 400,
                "DUPLICATE_HEADER");
        assertError(http.post("/pub?topic=h3", "x", "Nodeq-Msg-Id", ""), 400, "INVALID_MSG_ID");
        assertError(http.post("/mpub?topic=h3", "x", "Nodeq-Header-a+b", "1"), 400, "INVALID_HEADER_NAME");
        assertThat(topicDepth("h3")).isIn(-1L, 0L);
    }

    @Test
    void maxMsgSizeCountsTheHeaderBlock() throws Exception {
        start(b -> b.maxMsgSize(20));
        // block: 2 + 1 + 1 + 2 + 1 = 7 bytes
        assertOkText(http.post("/pub?topic=h4", "x".repeat(13), "Nodeq-Header-A", "1"));
        assertError(http.post("/pub?topic=h4", "x".repeat(14), "Nodeq-Header-A", "1"), 413, "MSG_TOO_BIG");
        assertOkText(http.post("/mpub?topic=h4", "x".repeat(13) + "\n", "Nodeq-Header-A", "1"));
        assertError(http.post("/mpub?topic=h4", "x".repeat(14) + "\n", "Nodeq-Header-A", "1"), 413, "MSG_TOO_BIG");
        assertThat(topicDepth("h4")).isEqualTo(2);
    }
}
