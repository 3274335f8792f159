package io.nodeq.examples.client;

import io.nodeq.client.Consumer;
import io.nodeq.client.ConsumerOptions;
import io.nodeq.client.Producer;
import io.nodeq.client.ProducerOptions;
import io.nodeq.daemon.Daemon;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Requeue on exception, give-up after max attempts, and stop() with messages in flight, on a real daemon. */
class FailureHandlingTest extends RealDaemonTestBase {
    private Daemon d;

    @BeforeEach
    void startDaemon() throws Exception {
        d = daemons.start();
    }

    private void publish(String topic, String... bodies) throws Exception {
        try (Producer p = Producer.create(ProducerOptions.builder(RealDaemons.tcp(d)).build())) {
            for (String b : bodies) {
                p.publish(topic, b).get(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aThrowingHandlerGetsItsMessageRequeuedAndLaterSucceeds() throws Exception {
        publish("flaky", "once");
        List<Integer> attempts = new CopyOnWriteArrayList<>();
        Consumer c = Consumer.create(ConsumerOptions.builder("flaky", "c", m -> {
            attempts.add(m.attempts());
            if (m.attempts() == 1) {
                throw new IllegalStateException("first try fails");
            }
        }).daemon(RealDaemons.tcp(d)).requeueDelay(Duration.ofMillis(50))
                .backoffMultiplier(Duration.ofMillis(50)).build());
        try {
            await().atMost(Duration.ofSeconds(15)).until(() -> c.stats().finished() == 1);
            assertThat(attempts).containsExactly(1, 2);
            assertThat(c.stats().requeued()).isEqualTo(1);
        } finally {
            c.stop();
        }
        assertThat(RealDaemons.channelStats(d, "flaky", "c").path("requeue_count").asLong(-1)).isEqualTo(1);
    }

    @Test
    void pastMaxAttemptsTheGiveUpHandlerIsCalled() throws Exception {
        publish("poison", "bad");
        List<String> gaveUp = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        Consumer c = Consumer.create(ConsumerOptions.builder("poison", "c", m -> {
            calls.incrementAndGet();
            throw new IllegalArgumentException("never works");
        }).daemon(RealDaemons.tcp(d)).maxAttempts(3).giveUpHandler(m -> gaveUp.add(m.bodyAsString() + "@" + m.attempts()))
                .requeueDelay(Duration.ofMillis(10)).noBackoff().build());
        try {
            await().atMost(Duration.ofSeconds(15)).until(() -> gaveUp.size() == 1);
            await().atMost(Duration.ofSeconds(5)).until(() -> c.stats().finished() == 1);
            assertThat(gaveUp).containsExactly("bad@4");
            assertThat(calls.get()).isEqualTo(3);
        } finally {
            c.stop();
        }
        assertThat(RealDaemons.channelStats(d, "poison", "c").path("depth").asLong(-1)).isZero();
    }

    @Test
    void stopWithMessagesInFlightFinishesThem() throws Exception {
        publish("stopping", "a", "b", "c", "d");
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();
        Consumer c = Consumer.create(ConsumerOptions.builder("stopping", "c", m -> {
            started.incrementAndGet();
            release.await(10, TimeUnit.SECONDS);
        }).daemon(RealDaemons.tcp(d)).maxInFlight(4).concurrency(4).build());
        await().atMost(Duration.ofSeconds(10)).until(() -> started.get() == 4);
        CompletableFuture<Void> stopping = c.stopAsync();
        await().atMost(Duration.ofSeconds(5)).until(() ->
                RealDaemons.channelStats(d, "stopping", "c").path("in_flight_count").asLong(-1) == 4);
        assertThat(stopping).isNotDone();
        release.countDown();
        stopping.get(10, TimeUnit.SECONDS);
        c.stop();
        assertThat(c.stats().finished()).isEqualTo(4);
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            var s = RealDaemons.channelStats(d, "stopping", "c");
            return s.path("in_flight_count").asLong(-1) == 0 && s.path("depth").asLong(-1) == 0
                    && s.path("requeue_count").asLong(-1) == 0 && s.path("timeout_count").asLong(-1) == 0;
        });
    }

    @Test
    void stopWhileMessagesFlowLeavesNothingInFlightAtTheDaemon() throws Exception {
        try (Producer p = Producer.create(ProducerOptions.builder(RealDaemons.tcp(d)).batching(true).build())) {
            List<CompletableFuture<Void>> fs = new java.util.ArrayList<>();
            for (int i = 0; i < 30_000; i++) {
                fs.add(p.publish("flow", "m" + i));
            }
            CompletableFuture.allOf(fs.toArray(new CompletableFuture[0])).get(30, TimeUnit.SECONDS);
        }
        AtomicInteger handled = new AtomicInteger();
        Consumer c = Consumer.create(ConsumerOptions.builder("flow", "c", m -> handled.incrementAndGet())
                .daemon(RealDaemons.tcp(d)).maxInFlight(2500).concurrency(2).build());
        await().atMost(Duration.ofSeconds(20)).until(() -> handled.get() >= 5000);
        c.stop();
        var s = c.stats();
        assertThat(s.inFlight()).isZero();
        assertThat(s.received()).isEqualTo(s.finished() + s.requeued());
        assertThat(s.received()).isEqualTo(handled.get());
        await().atMost(Duration.ofSeconds(5)).until(() ->
                RealDaemons.channelStats(d, "flow", "c").path("in_flight_count").asLong(-1) == 0);
        assertThat(RealDaemons.channelStats(d, "flow", "c").path("depth").asLong()).isEqualTo(30_000 - s.finished());
    }
}
