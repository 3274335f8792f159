package io.nodeq.daemon.http;

import io.nodeq.daemon.DaemonExtension;
import io.nodeq.daemon.RawClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.HashSet;
import java.util.Set;

import static io.nodeq.daemon.http.FakeApiFixture.assertError;
import static io.nodeq.daemon.http.FakeApiFixture.assertOkText;
import static org.assertj.core.api.Assertions.assertThat;

/** nsqd's TestHTTPmpub* on a real daemon, plus the limits and a consumer reading what /mpub sent. */
class HttpMpubTest extends RealDaemonFixture {

    @RegisterExtension
    static final DaemonExtension NSQD = new DaemonExtension(b -> b.maxMsgSize(100).maxBodySize(1000));

    @Override
    DaemonExtension nsqd() {
        return NSQD;
    }

    @Test
    void fourNewlineSeparatedMessages() throws Exception {
        assertOkText(http.post("/mpub?topic=http_mpub", "m1\nm2\nm3\nm4"));
        assertThat(topicDepth("http_mpub")).isEqualTo(4);
    }

    @Test
    void trailingNewlineStillFourMessages() throws Exception {
        assertOkText(http.post("/mpub?topic=http_mpub_trailing", "m1\nm2\nm3\nm4\n"));
        assertThat(topicDepth("http_mpub_trailing")).isEqualTo(4);
    }

    @Test
    void binaryFiveMessages() throws Exception {
        byte[] body = PubMpubApiTest.binary("b1", "b2", "b3", "b4", "b5");
        assertOkText(http.post("/mpub?topic=http_mpub_bin&binary=true", body));
        assertThat(topicDepth("http_mpub_bin")).isEqualTo(5);
        assertOkText(http.post("/mpub?topic=http_mpub_bin2&binary=non_normalized_binary_param", body));
        assertThat(topicDepth("http_mpub_bin2")).isEqualTo(5);
    }

    @Test
    void consumerReceivesEveryLine() throws Exception {
        try (RawClient c = new RawClient(daemon.tcpPort())) {
            assertThat(c.sub("http_mpub_consume", "ch")).isEqualTo("OK");
            c.rdy(10);
            assertOkText(http.post("/mpub?topic=http_mpub_consume", "a\n\nbb\r\nccc\n"));
            Set<String> bodies = new HashSet<>();
            for (int i = 0; i < 3; i++) {
                bodies.add(c.readMessage().body());
            }
            assertThat(bodies).containsExactlyInAnyOrder("a", "bb\r", "ccc");
        }
    }

    @Test
    void limitsAndBadBinaryBodiesPublishNothing() throws Exception {
        assertError(http.post("/mpub?topic=http_mpub_lim", "ok\n" + "x".repeat(101)), 413, "MSG_TOO_BIG");
        assertError(http.post("/mpub?topic=http_mpub_lim", "x\n".repeat(501)), 413, "BODY_TOO_BIG");
        assertError(http.postChunked("/mpub?topic=http_mpub_lim", "x\n".repeat(501).getBytes()), 413, "BODY_TOO_BIG");
        assertError(http.post("/mpub?topic=http_mpub_lim&binary=1", new byte[] {0, 0, 0, 0}), 413, "BAD_BODY");
        assertError(http.post("/mpub?topic=http_mpub_lim&binary=1", PubMpubApiTest.binary("ok", "y".repeat(101))), 413,
                "BAD_MESSAGE");
        // nsqd creates the topic before it reads the body; nothing was published
        assertThat(topicDepth("http_mpub_lim")).isZero();
    }
}
