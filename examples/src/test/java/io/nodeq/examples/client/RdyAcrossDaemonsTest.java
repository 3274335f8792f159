package io.nodeq.examples.client;

import io.nodeq.client.Consumer;
import io.nodeq.client.ConsumerOptions;
import io.nodeq.client.NsqAddress;
import io.nodeq.client.Producer;
import io.nodeq.client.ProducerOptions;
import io.nodeq.daemon.Daemon;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** maxInFlight=1 across three real daemons: every daemon is drained (go-nsq's starvation case). */
class RdyAcrossDaemonsTest extends RealDaemonTestBase {

    @Test
    void maxInFlightOneAcrossThreeDaemonsConsumesEverything() throws Exception {
        List<Daemon> ds = List.of(daemons.start(), daemons.start(), daemons.start());
        int perDaemon = 100;
        for (int i = 0; i < ds.size(); i++) {
            try (Producer p = Producer.create(ProducerOptions.builder(RealDaemons.tcp(ds.get(i))).build())) {
                List<byte[]> batch = new ArrayList<>();
                for (int j = 0; j < perDaemon; j++) {
                    batch.add(("d" + i + "-" + j).getBytes());
                }
                p.publish("fair", batch).get(10, TimeUnit.SECONDS);
            }
        }
        Map<NsqAddress, AtomicInteger> byDaemon = new ConcurrentHashMap<>();
        Set<String> seen = ConcurrentHashMap.newKeySet();
        AtomicInteger active = new AtomicInteger();
        AtomicInteger maxActive = new AtomicInteger();
        ConsumerOptions.Builder b = ConsumerOptions.builder("fair", "one", m -> {
            maxActive.accumulateAndGet(active.incrementAndGet(), Math::max);
            byDaemon.computeIfAbsent(m.daemon(), k -> new AtomicInteger()).incrementAndGet();
            seen.add(m.bodyAsString());
            active.decrementAndGet();
        }).maxInFlight(1).concurrency(3).rdyCheckInterval(Duration.ofMillis(20))
                .lowRdyIdleTimeout(Duration.ofMillis(100)).lowRdyHoldTimeout(Duration.ofMillis(200));
        ds.forEach(d -> b.daemon(RealDaemons.tcp(d)));
        Consumer c = Consumer.create(b.build());
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() == ds.size() * perDaemon);
            assertThat(maxActive.get()).isEqualTo(1);
            assertThat(byDaemon.values()).extracting(AtomicInteger::get).containsOnly(perDaemon);
            assertThat(byDaemon).hasSize(3);
        } finally {
            c.stop();
        }
        for (Daemon d : ds) {
            assertThat(RealDaemons.channelStats(d, "fair", "one").path("depth").asLong(-1)).isZero();
        }
    }
}
