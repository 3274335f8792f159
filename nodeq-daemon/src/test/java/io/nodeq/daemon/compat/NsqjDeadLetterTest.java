package io.nodeq.daemon.compat;

import com.sproutsocial.nsq.Publisher;
import com.sproutsocial.nsq.Subscriber;
import io.nodeq.daemon.broker.ChannelSettings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Dead-lettering seen by an independent client (nsq-j), which knows nothing of headers: its REQs
 * count toward max_attempts, and its consumer of the dead-letter topic gets each message's body
 * alone, byte for byte, once.
 */
class NsqjDeadLetterTest extends NsqjFixture {
    private static final int COUNT = 20;

    @Override
    String topic() {
        return "jobs";
    }

    @Override
    List<String> channels() {
        return List.of(); // "failing" needs settings: created below
    }

    @BeforeEach
    void createDeadLetterChannels() throws Exception {
        daemon.broker().createChannel("jobs", "failing", new ChannelSettings.Update(3, "jobs.dead"))
                .await(5, TimeUnit.SECONDS);
        daemon.broker().createTopic("jobs.dead").await(5, TimeUnit.SECONDS);
        daemon.broker().createChannel("jobs.dead", "inspect").await(5, TimeUnit.SECONDS);
    }

    @Test
    void requeuesPastMaxAttemptsReachTheDeadLetterConsumerAsPlainBodies() {
        Publisher publisher = new Publisher(newClient(), "127.0.0.1:" + daemon.tcpPort(), null);
        for (int i = 0; i < COUNT; i++) {
            publisher.publish("jobs", ("job-" + i).getBytes(StandardCharsets.UTF_8));
        }
        AtomicInteger deliveries = new AtomicInteger();
        Subscriber failing = new Subscriber(newClient(), 1, 5, lookupd.address());
        failing.subscribe("jobs", "failing", 10, msg -> {
            deliveries.incrementAndGet();
            msg.requeue(0);
        });
        Map<String, Integer> dead = new ConcurrentHashMap<>();
        Subscriber inspect = new Subscriber(newClient(), 1, 5, lookupd.address());
        inspect.subscribe("jobs.dead", "inspect", 10, msg -> {
            dead.merge(new String(msg.getData(), StandardCharsets.UTF_8), 1, Integer::sum);
            msg.finish();
        });
        await().atMost(Duration.ofSeconds(60)).until(() -> dead.size() == COUNT);
        for (int i = 0; i < COUNT; i++) {
            assertThat(dead).containsEntry("job-" + i, 1);
        }
        assertThat(deliveries.get()).isEqualTo(3 * COUNT);
    }
}
