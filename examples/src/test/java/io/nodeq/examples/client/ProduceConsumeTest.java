package io.nodeq.examples.client;

import io.nodeq.client.Consumer;
import io.nodeq.client.ConsumerOptions;
import io.nodeq.client.Producer;
import io.nodeq.client.ProducerOptions;
import io.nodeq.daemon.Daemon;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.BitSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** nodeq-client against a real daemon: volume without loss. */
class ProduceConsumeTest extends RealDaemonTestBase {

    @Test
    void hundredThousandMessagesProducedAndConsumedNoneLost() throws Exception {
        Daemon d = daemons.start();
        int total = 100_000;
        BitSet seen = new BitSet(total);
        AtomicLong duplicates = new AtomicLong();
        Consumer consumer = Consumer.create(ConsumerOptions.builder("volume", "all", m -> {
            int i = Integer.parseInt(m.bodyAsString().substring(4, 12));
            synchronized (seen) {
                if (seen.get(i)) {
                    duplicates.incrementAndGet();
                }
                seen.set(i);
            }
        }).daemon(RealDaemons.tcp(d)).maxInFlight(500).concurrency(2).build());
        try (Producer p = Producer.create(ProducerOptions.builder(RealDaemons.tcp(d)).batching(true)
                .linger(Duration.ofMillis(2)).build())) {
            CompletableFuture<?>[] fs = new CompletableFuture[total];
            for (int i = 0; i < total; i++) {
                fs[i] = p.publish("volume", String.format("msg-%08d %s", i, "x".repeat(80)).getBytes(StandardCharsets.UTF_8));
            }
            CompletableFuture.allOf(fs).get(60, TimeUnit.SECONDS);
            assertThat(p.stats().published()).isEqualTo(total);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            synchronized (seen) {
                return seen.cardinality() == total;
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> consumer.stats().finished() >= total);
        consumer.stop();
        assertThat(consumer.stats().inFlight()).isZero();
        assertThat(RealDaemons.channelStats(d, "volume", "all").path("depth").asLong(-1)).isZero();
        assertThat(RealDaemons.channelStats(d, "volume", "all").path("in_flight_count").asLong(-1)).isZero();
    }
}
