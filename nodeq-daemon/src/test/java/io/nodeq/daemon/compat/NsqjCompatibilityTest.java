package io.nodeq.daemon.compat;

import com.sproutsocial.nsq.Publisher;
import com.sproutsocial.nsq.Subscriber;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Compatibility against code we did not write: sproutsocial's nsq-j publishes and consumes through
 * its own protocol and discovery code.
 */
class NsqjCompatibilityTest extends NsqjFixture {
    private static final int COUNT = 10_000;
    private static final String TOPIC = "nsqj_compat";

    @Override
    String topic() {
        return TOPIC;
    }

    @Override
    List<String> channels() {
        return List.of("plain", "requeueing");
    }

    @Test
    void publishesAndConsumesTenThousandOnTwoChannelsWithRequeues() {
        Publisher publisher = new Publisher(newClient(), "127.0.0.1:" + daemon.tcpPort(), null);
        for (int i = 0; i < COUNT; i += 100) {
            if ((i / 100) % 2 == 0) {
                List<byte[]> batch = new ArrayList<>(100);
                for (int j = i; j < i + 100; j++) {
                    batch.add(("msg-" + j).getBytes(StandardCharsets.UTF_8));
                }
                publisher.publish(TOPIC, batch);
            } else {
                for (int j = i; j < i + 100; j++) {
                    publisher.publish(TOPIC, ("msg-" + j).getBytes(StandardCharsets.UTF_8));
                }
            }
        }

        Set<String> plain = ConcurrentHashMap.newKeySet();
        Subscriber plainSub = new Subscriber(newClient(), 1, 5, lookupd.address());
        plainSub.subscribe(TOPIC, "plain", 250, msg -> {
            plain.add(new String(msg.getData(), StandardCharsets.UTF_8));
            msg.finish();
        });

        Set<String> requeueing = ConcurrentHashMap.newKeySet();
        Map<String, Integer> firstAttempts = new ConcurrentHashMap<>();
        AtomicInteger redeliveredWithHigherAttempts = new AtomicInteger();
        Subscriber reqSub = new Subscriber(newClient(), 1, 5, lookupd.address());
        reqSub.subscribe(TOPIC, "requeueing", 250, msg -> {
            String body = new String(msg.getData(), StandardCharsets.UTF_8);
            int n = Integer.parseInt(body.substring(4));
            if (n % 50 == 0 && msg.getAttempts() == 1) {
                firstAttempts.put(body, msg.getAttempts());
                msg.requeue(0);
                return;
            }
            if (firstAttempts.containsKey(body) && msg.getAttempts() > firstAttempts.get(body)) {
                redeliveredWithHigherAttempts.incrementAndGet();
            }
            requeueing.add(body);
            msg.finish();
        });

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(plain).hasSize(COUNT);
            assertThat(requeueing).hasSize(COUNT);
        });
        assertThat(firstAttempts).hasSize(COUNT / 50);
        assertThat(redeliveredWithHigherAttempts.get()).isEqualTo(COUNT / 50);
        for (int i = 0; i < COUNT; i++) {
            assertThat(plain).contains("msg-" + i);
        }
    }
}
