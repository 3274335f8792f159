package io.nodeq.daemon.http;

import io.nodeq.daemon.DaemonExtension;
import io.nodeq.daemon.RawClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Random;

import static io.nodeq.daemon.http.FakeApiFixture.assertError;
import static io.nodeq.daemon.http.FakeApiFixture.assertOkText;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** nsqd's TestHTTPpub, TestHTTPpubEmpty, TestHTTPpubDefer and the /pub limits, on a real daemon. */
class HttpPubTest extends RealDaemonFixture {

    @RegisterExtension
    static final DaemonExtension NSQD = new DaemonExtension(b -> b.maxMsgSize(4096));

    @Override
    DaemonExtension nsqd() {
        return NSQD;
    }

    @Test
    void pubAddsOneMessageToTheTopic() throws Exception {
        assertOkText(http.post("/pub?topic=http_pub", "test message"));
        assertThat(topicDepth("http_pub")).isEqualTo(1);
    }

    @Test
    void emptyBodyIsMsgEmptyAndPublishesNothing() throws Exception {
        assertError(http.post("/pub?topic=http_pub_empty"), 400, "MSG_EMPTY");
        assertThat(topicDepth("http_pub_empty")).isEqualTo(-1);
    }

    @Test
    void deferredMessageWaitsInTheChannel() throws Exception {
        assertThat(http.post("/topic/create?topic=http_pub_defer").statusCode()).isEqualTo(200);
        assertThat(http.post("/channel/create?topic=http_pub_defer&channel=ch").statusCode()).isEqualTo(200);
        assertOkText(http.post("/pub?topic=http_pub_defer&defer=1000", "later"));
        await().atMost(Duration.ofSeconds(5)).until(() -> channel("http_pub_defer", "ch").getLong("deferred_count") == 1);
        assertError(http.post("/pub?topic=http_pub_defer&defer=3600001", "x"), 400, "INVALID_DEFER");
    }

    @Test
    void bodyArrivesByteForByte() throws Exception {
        byte[] body = new byte[4096];
        new Random(7).nextBytes(body);
        try (RawClient c = new RawClient(daemon.tcpPort())) {
            assertThat(c.sub("http_pub_bytes", "ch")).isEqualTo("OK");
            c.rdy(1);
            assertOkText(http.post("/pub?topic=http_pub_bytes", body));
            RawClient.Frame m = c.readMessage();
            byte[] data = m.data();
            byte[] received = java.util.Arrays.copyOfRange(data, 26, data.length);
            assertThat(received).isEqualTo(body);
        }
    }

    @Test
    void tooBigFromContentLengthOrChunkedBody() throws Exception {
        assertError(http.post("/pub?topic=http_pub_big", new byte[4097]), 413, "MSG_TOO_BIG");
        assertError(http.postChunked("/pub?topic=http_pub_big", new byte[100_000]), 413, "MSG_TOO_BIG");
        assertThat(topicDepth("http_pub_big")).isEqualTo(-1);
        assertOkText(http.postChunked("/pub?topic=http_pub_big", new byte[4096]));
        assertThat(topicDepth("http_pub_big")).isEqualTo(1);
    }
}
