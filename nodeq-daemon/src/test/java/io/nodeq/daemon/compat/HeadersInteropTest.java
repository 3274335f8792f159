package io.nodeq.daemon.compat;

import com.sproutsocial.nsq.Client;
import com.sproutsocial.nsq.Subscriber;
import io.nodeq.client.Consumer;
import io.nodeq.client.ConsumerOptions;
import io.nodeq.client.NsqAddress;
import io.nodeq.client.Producer;
import io.nodeq.client.ProducerOptions;
import io.nodeq.daemon.Daemon;
import io.nodeq.daemon.DaemonStats;
import io.nodeq.daemon.TestDaemons;
import io.nodeq.protocol.Headers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Message headers between nodeq's own Java client and a real daemon, with sproutsocial's nsq-j (which
 * knows nothing of them) consuming the same channel: nodeq's Consumer gets headers and payload, nsq-j
 * gets exactly the payload of every message it is given.
 */
class HeadersInteropTest {
    private static final String TOPIC = "headers_interop";
    private static final int COUNT = 200;

    @TempDir
    Path dir;
    Daemon daemon;
    FakeLookupd lookupd;
    Client nsqj;
    Producer producer;
    Consumer consumer;

    @BeforeEach
    void start() throws Exception {
        daemon = TestDaemons.start(dir);
        lookupd = new FakeLookupd(daemon.tcpPort(), daemon.httpPort());
        daemon.broker().createTopic(TOPIC).await(5, TimeUnit.SECONDS);
        daemon.broker().createChannel(TOPIC, "shared").await(5, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        if (consumer != null) {
            consumer.stop();
        }
        if (producer != null) {
            producer.close();
        }
        if (nsqj != null) {
            nsqj.stop(5);
        }
        lookupd.close();
        TestDaemons.stop(daemon);
    }

    @Test
    void nodeqsConsumerGetsHeadersAndNsqjOnTheSameChannelOnlyThePayload() throws Exception {
        NsqAddress address = new NsqAddress("127.0.0.1", daemon.tcpPort());
        // both consumers on the channel before the first message, so the daemon shares the messages out
        List<String> plain = new CopyOnWriteArrayList<>();
        nsqj = new Client();
        Subscriber sub = new Subscriber(nsqj, 1, 5, lookupd.address());
        sub.subscribe(TOPIC, "shared", 5, msg -> {
            plain.add(new String(msg.getData(), StandardCharsets.UTF_8));
            msg.finish();
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> clients() == 1);
        Map<String, Headers> nodeq = new ConcurrentHashMap<>();
        consumer = Consumer.create(ConsumerOptions.builder(TOPIC, "shared", m -> nodeq.put(m.bodyAsString(), m.headers()))
                .daemon(address).maxInFlight(5).build());
        await().atMost(Duration.ofSeconds(20)).until(() -> clients() == 2);

        producer = Producer.create(ProducerOptions.builder(address).build());
        for (int i = 0; i < COUNT; i++) {
            Headers h = Headers.of("Seq", Integer.toString(i), Headers.MSG_ID, "id-" + i);
            producer.publish(TOPIC, h, ("p-" + i).getBytes(StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> nodeq.size() + plain.size() >= COUNT);
        assertThat(plain).as("nsq-j took a share").isNotEmpty().allMatch(b -> b.matches("p-\\d+"));
        for (Map.Entry<String, Headers> e : nodeq.entrySet()) {
            String i = e.getKey().substring(2);
            assertThat(e.getValue()).isEqualTo(Headers.of("Seq", i, Headers.MSG_ID, "id-" + i));
        }
        assertThat(nodeq).as("nodeq's consumer took a share").isNotEmpty();
        assertThat(nodeq.size() + plain.size()).isEqualTo(COUNT);
    }

    private int clients() {
        return DaemonStats.existingChannel(daemon, TOPIC, "shared").clientCount();
    }
}
