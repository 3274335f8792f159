package io.nodeq.daemon.http;

import io.nodeq.daemon.RawClient;
import io.nodeq.protocol.Commands;
import io.nodeq.protocol.Headers;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** Raw connections that negotiated nodeq_headers, and what their message frames hold. */
final class HeaderClients {
    private HeaderClients() {
    }

    /** A message frame's body split as a headers consumer gets it: the block, then the payload. */
    record Received(String id, int attempts, Headers headers, String payload) {
        static Received of(RawClient.Frame f) {
            byte[] body = Arrays.copyOfRange(f.data(), 26, f.data().length);
            int block = Headers.blockLength(body, 0, body.length);
            return new Received(f.id(), f.attempts(), Headers.decode(body, 0),
                    new String(body, block, body.length - block, StandardCharsets.UTF_8));
        }
    }

    /** A connection that negotiated nodeq_headers. */
    static RawClient connect(int tcpPort) throws IOException {
        RawClient c = new RawClient(tcpPort);
        String reply = c.identify("{\"feature_negotiation\":true,\"nodeq_headers\":true}");
        assertThat(new JsonObject(reply).getBoolean("nodeq_headers")).isTrue();
        return c;
    }

    /** A headers connection subscribed with RDY {@code rdy}. */
    static RawClient subscribe(int tcpPort, String topic, String channel, int rdy) throws IOException {
        RawClient c = connect(tcpPort);
        assertThat(c.sub(topic, channel)).isEqualTo("OK");
        c.rdy(rdy);
        return c;
    }

    /** PUB of a payload with headers over a headers connection. */
    static void pub(RawClient c, String topic, Headers headers, String payload) throws IOException {
        c.send(Commands.pub(Buffer.buffer(), topic, headers.frame(payload.getBytes(StandardCharsets.UTF_8))));
        assertThat(c.readResponse()).isEqualTo("OK");
    }
}
