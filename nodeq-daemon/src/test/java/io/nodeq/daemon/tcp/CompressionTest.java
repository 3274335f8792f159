package io.nodeq.daemon.tcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nodeq.daemon.DaemonExtension;
import io.nodeq.daemon.RawClient;
import io.nodeq.protocol.Commands;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static io.nodeq.daemon.DaemonExtension.unique;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deflate and snappy upgrades (nsq-protocol.md §1.8.3), read and written with independent
 * codecs (the JDK's raw Inflater/Deflater, snappy-java's framed streams): nsqd's TestDeflate,
 * TestSnappy and TestClientAttributes.
 */
class CompressionTest {
    @RegisterExtension
    static final DaemonExtension D = new DaemonExtension();

    @Test
    void deflateUpgradeThenAFullConsumerSession() throws Exception {
        String topic = unique("deflate");
        try (RawClient c = D.client(); RawClient p = D.client()) {
            assertThat(c.identify("{\"feature_negotiation\":true,\"deflate\":true,\"deflate_level\":3}"))
                    .contains("\"deflate\":true,\"deflate_level\":3,\"max_deflate_level\":6,\"snappy\":false");
            c.upgradeDeflate(3);
            assertThat(c.readResponse()).isEqualTo("OK");
            consumeOverTheUpgradedStream(c, p, topic, randomBody(20_000, 1));
        }
    }

    /**
     * 64 MiB of one command line squeezed into ~64 KiB of deflate: decoded a slice at a time, the
     * line is refused once it passes 16 KiB instead of being inflated whole first.
     */
    @Test
    void aDeflateBombIsRefusedAsAnOverlongLine() throws Exception {
        try (RawClient c = D.client()) {
            assertThat(c.identify("{\"feature_negotiation\":true,\"deflate\":true,\"deflate_level\":9}"))
                    .contains("\"deflate\":true");
            c.upgradeDeflate(9);
            assertThat(c.readResponse()).isEqualTo("OK");
            byte[] line = new byte[1024 * 1024];
            java.util.Arrays.fill(line, (byte) 'A');
            try {
                for (int i = 0; i < 64; i++) {
                    c.send(Buffer.buffer(line));
                }
            } catch (java.io.IOException closedWhileSending) {
                // the daemon closed after its error: expected
            }
            assertThat(c.readResponse()).isEqualTo("ERROR E_INVALID command line too long");
            assertThat(c.closedByServer(2000)).isTrue();
        }
        try (RawClient still = D.client()) {
            assertThat(still.identify("{}")).isEqualTo("OK");
        }
    }

    @Test
    void snappyUpgradeThenA128000ByteMessage() throws Exception {
        String topic = unique("snappy");
        try (RawClient c = D.client(); RawClient p = D.client()) {
            assertThat(c.identify("{\"feature_negotiation\":true,\"snappy\":true}"))
                    .contains("\"deflate\":false,\"deflate_level\":6,\"max_deflate_level\":6,\"snappy\":true");
            c.upgradeSnappy();
            assertThat(c.readResponse()).isEqualTo("OK");
            consumeOverTheUpgradedStream(c, p, topic, randomBody(128_000, 2));
        }
    }

    @Test
    void largePublishesArriveIntactThroughBothCodecs() throws Exception {
        for (String codec : new String[] {"snappy", "deflate"}) {
            String topic = unique("bigpub-" + codec);
            byte[] big = randomBody(128_000, 3);
            try (RawClient p = D.client(); RawClient c = D.client()) {
                assertThat(p.identify("{\"feature_negotiation\":true,\"" + codec + "\":true}")).contains("\"" + codec + "\":true");
                if (codec.equals("snappy")) {
                    p.upgradeSnappy();
                } else {
                    p.upgradeDeflate(6);
                }
                assertThat(p.readResponse()).isEqualTo("OK");
                p.send(Commands.pub(Buffer.buffer(), topic, big));
                assertThat(p.readResponse()).isEqualTo("OK");
                p.send(Commands.mpub(Buffer.buffer(), topic, java.util.List.of(big, "small".getBytes(StandardCharsets.UTF_8))));
                assertThat(p.readResponse()).isEqualTo("OK");
                assertThat(c.sub(topic, "ch")).isEqualTo("OK");
                c.rdy(3);
                int bigOnes = 0;
                for (int i = 0; i < 3; i++) {
                    RawClient.Frame m = c.readMessage();
                    byte[] body = java.util.Arrays.copyOfRange(m.data(), 26, m.data().length);
                    if (body.length == big.length) {
                        assertThat(body).isEqualTo(big);
                        bigOnes++;
                    } else {
                        assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo("small");
                    }
                }
                assertThat(bigOnes).isEqualTo(2);
            }
        }
    }

    @Test
    void clientStatsShowUserAgentAndSnappy() throws Exception {
        String topic = unique("attrs");
        try (RawClient c = D.client()) {
            assertThat(c.identify("{\"feature_negotiation\":true,\"snappy\":true,\"user_agent\":\"conformance/1.0\","
                    + "\"client_id\":\"cid\",\"hostname\":\"hh\",\"sample_rate\":7}")).contains("\"snappy\":true");
            c.upgradeSnappy();
            assertThat(c.readResponse()).isEqualTo("OK");
            assertThat(c.sub(topic, "ch")).isEqualTo("OK");
            JsonNode client = onlyClient(topic);
            assertThat(client.get("user_agent").asText()).isEqualTo("conformance/1.0");
            assertThat(client.get("snappy").asBoolean()).isTrue();
            assertThat(client.get("deflate").asBoolean()).isFalse();
            assertThat(client.get("client_id").asText()).isEqualTo("cid");
            assertThat(client.get("hostname").asText()).isEqualTo("hh");
            assertThat(client.get("sample_rate").asInt()).isEqualTo(7);
            assertThat(client.get("state").asInt()).isEqualTo(3);
        }
    }

    /** SUB, RDY, a message from a plain producer, FIN, a PUB answered OK, another message: all compressed. */
    private static void consumeOverTheUpgradedStream(RawClient c, RawClient p, String topic, byte[] body)
            throws Exception {
        assertThat(c.sub(topic, "ch")).isEqualTo("OK");
        c.rdy(1);
        p.send(Commands.pub(Buffer.buffer(), topic, body));
        assertThat(p.readResponse()).isEqualTo("OK");
        RawClient.Frame m = c.readMessage();
        assertThat(m.data().length - 26).isEqualTo(body.length);
        assertThat(java.util.Arrays.copyOfRange(m.data(), 26, m.data().length)).isEqualTo(body);
        assertThat(m.attempts()).isEqualTo(1);
        c.fin(m.id());
        // a topic nobody consumes here, so the OK cannot race a delivery on this connection
        assertThat(c.pub(topic + "-other", "compressed publish")).isEqualTo("OK");
        assertThat(p.pub(topic, "second")).isEqualTo("OK");
        RawClient.Frame second = c.readMessage();
        assertThat(second.body()).isEqualTo("second");
        c.fin(second.id());
        assertThat(c.quietFor(200)).isTrue();
    }

    /** Half random, half repetitive: exercises both compressed and stored chunks. */
    private static byte[] randomBody(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        for (int i = size / 2; i < size; i++) {
            b[i] = (byte) ('a' + i % 7);
        }
        return b;
    }

    private static JsonNode onlyClient(String topic) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + D.daemon().httpPort() + "/stats?format=json&topic=" + topic)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode clients = new ObjectMapper().readTree(r.body()).get("topics").get(0).get("channels").get(0).get("clients");
        assertThat(clients).hasSize(1);
        return clients.get(0);
    }
}
