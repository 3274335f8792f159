package io.nodeq.examples.client;

import io.nodeq.client.Consumer;
import io.nodeq.client.ConsumerOptions;
import io.nodeq.client.Producer;
import io.nodeq.client.ProducerOptions;
import io.nodeq.daemon.Daemon;
import io.nodeq.lookup.LookupOptions;
import io.nodeq.lookup.LookupServer;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A consumer that knows only a real nodeq lookup finds two real daemons through {@code /lookup},
 * and drops one when its registration goes away. The test registers the daemons itself over the
 * lookup's TCP protocol V1 (as nsqd would), so it decides when a registration ends.
 */
class LookupDropTest extends RealDaemonTestBase {

    /** Holds a V1 registration open: magic, IDENTIFY, REGISTER topic; closing the socket unregisters. */
    private static Socket register(LookupServer lookup, Daemon d, String topic) throws Exception {
        Socket s = new Socket("127.0.0.1", lookup.tcpPort());
        OutputStream out = s.getOutputStream();
        byte[] identify = ("{\"broadcast_address\":\"127.0.0.1\",\"tcp_port\":" + d.tcpPort() + ",\"http_port\":"
                + d.httpPort() + ",\"version\":\"1.3.0\",\"hostname\":\"test-" + d.tcpPort() + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        out.write("  V1".getBytes(StandardCharsets.US_ASCII));
        out.write("IDENTIFY\n".getBytes(StandardCharsets.US_ASCII));
        out.write(ByteBuffer.allocate(4).putInt(identify.length).array());
        out.write(identify);
        out.write(("REGISTER " + topic + "\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return s;
    }

    @Test
    void consumerFindsDaemonsThroughTheLookupAndDropsAnUnregisteredOne() throws Exception {
        LookupServer lookup = LookupServer.start(LookupOptions.loopback()).await(20, TimeUnit.SECONDS);
        Daemon d1 = daemons.start();
        Daemon d2 = daemons.start();
        Set<String> seen = ConcurrentHashMap.newKeySet();
        Consumer c = null;
        try (Socket r1 = register(lookup, d1, "found"); Socket r2 = register(lookup, d2, "found")) {
            c = Consumer.create(ConsumerOptions.builder("found", "c", m -> seen.add(m.bodyAsString()))
                    .lookup("127.0.0.1:" + lookup.httpPort()).lookupPollInterval(Duration.ofMillis(100))
                    .maxInFlight(10).build());
            Consumer consumer = c;
            await().atMost(Duration.ofSeconds(15)).until(() -> consumer.stats().connections() == 2);
            for (Daemon d : new Daemon[] {d1, d2}) {
                try (Producer p = Producer.create(ProducerOptions.builder(RealDaemons.tcp(d)).build())) {
                    p.publish("found", "from-" + d.tcpPort()).get(10, TimeUnit.SECONDS);
                }
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 2);
            r1.close();
            await().atMost(Duration.ofSeconds(15)).until(() -> consumer.stats().connections() == 1);
            assertThat(RealDaemons.channelStats(d2, "found", "c").path("client_count").asInt()).isEqualTo(1);
        } finally {
            if (c != null) {
                c.stop();
            }
            lookup.close().await(20, TimeUnit.SECONDS);
        }
    }
}
