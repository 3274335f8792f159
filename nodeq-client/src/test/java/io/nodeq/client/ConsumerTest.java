package io.nodeq.client;

import io.nodeq.testing.FakeNsqd;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Consumer behaviour against {@link FakeNsqd}: delivery, RDY, requeue, give-up, manual mode, touch, stop. */
class ConsumerTest {
    private Vertx vertx;
    private final List<FakeNsqd> daemons = new ArrayList<>();
    private final List<Consumer> consumers = new ArrayList<>();

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Consumer c : consumers) {
            c.stop();
        }
        for (FakeNsqd d : daemons) {
            d.close();
        }
        vertx.close().await(5, TimeUnit.SECONDS);
    }

    private FakeNsqd daemon() throws Exception {
        FakeNsqd d = FakeNsqd.start(vertx);
        daemons.add(d);
        return d;
    }

    private Consumer start(ConsumerOptions.Builder b) {
        Consumer c = Consumer.create(b.stopTimeout(Duration.ofSeconds(5)).reconnectMinDelay(Duration.ofMillis(20))
                .reconnectMaxDelay(Duration.ofMillis(200)).build());
        consumers.add(c);
        return c;
    }

    private static void fill(FakeNsqd d, String prefix, int n) {
        for (int i = 0; i < n; i++) {
            d.put("t", prefix + i);
        }
    }

    @Test
    void consumesEverythingAndFinishesEachMessageOnce() throws Exception {
        FakeNsqd d = daemon();
        fill(d, "m", 500);
        Set<String> seen = ConcurrentHashMap.newKeySet();
        AtomicInteger calls = new AtomicInteger();
        Consumer c = start(ConsumerOptions.builder("t", "ch", m -> {
            calls.incrementAndGet();
            seen.add(m.bodyAsString());
        }).daemon(d.tcpAddress()).maxInFlight(50).concurrency(4));
        await().atMost(Duration.ofSeconds(10)).until(() -> d.fins() == 500);
        assertThat(seen).hasSize(500);
        assertThat(calls.get()).isEqualTo(500);
        assertThat(d.maxInFlightSeen()).isLessThanOrEqualTo(50);
        ConsumerStats s = c.stats();
        assertThat(s.received()).isEqualTo(500);
        assertThat(s.finished()).isEqualTo(500);
        assertThat(s.inFlight()).isZero();
        assertThat(s.connections()).isEqualTo(1);
        assertThat(d.userAgent()).startsWith("nodeq-client/");
    }

    @Test
    void maxInFlightOneAcrossThreeDaemonsDrainsThemAll() throws Exception {
        List<FakeNsqd> ds = List.of(daemon(), daemon(), daemon());
        for (int i = 0; i < 3; i++) {
            fill(ds.get(i), "d" + i + "-", 40);
        }
        AtomicInteger active = new AtomicInteger();
        AtomicInteger maxActive = new AtomicInteger();
        Set<String> seen = ConcurrentHashMap.newKeySet();
        ConsumerOptions.Builder b = ConsumerOptions.builder("t", "ch", m -> {
            maxActive.accumulateAndGet(active.incrementAndGet(), Math::max);
            seen.add(m.bodyAsString());
            active.decrementAndGet();
        }).maxInFlight(1).concurrency(4).rdyCheckInterval(Duration.ofMillis(10))
                .lowRdyIdleTimeout(Duration.ofMillis(50)).lowRdyHoldTimeout(Duration.ofMillis(100));
        ds.forEach(d -> b.daemon(d.tcpAddress()));
        start(b);
        await().atMost(Duration.ofSeconds(15)).until(() -> seen.size() == 120);
        assertThat(maxActive.get()).isEqualTo(1);
        for (FakeNsqd d : ds) {
            assertThat(d.fins()).isEqualTo(40);
            assertThat(d.maxInFlightSeen()).isEqualTo(1);
        }
    }

    @Test
    void aThrowingHandlerGetsItsMessageRequeuedThenSucceeds() throws Exception {
        FakeNsqd d = daemon();
        d.put("t", "flaky");
        List<Integer> attempts = new CopyOnWriteArrayList<>();
        Consumer c = start(ConsumerOptions.builder("t", "ch", m -> {
            attempts.add(m.attempts());
            if (m.attempts() < 3) {
                throw new IllegalStateException("not yet");
            }
        }).daemon(d.tcpAddress()).requeueDelay(Duration.ofMillis(20)).backoffMultiplier(Duration.ofMillis(20)));
        await().atMost(Duration.ofSeconds(10)).until(() -> d.fins() == 1);
        assertThat(attempts).containsExactly(1, 2, 3);
        assertThat(d.reqs()).isEqualTo(2);
        assertThat(c.stats().requeued()).isEqualTo(2);
        assertThat(c.stats().handlerErrors()).isEqualTo(2);
        // backoff paused delivery (RDY 0) and recovered to the normal RDY 1
        FakeNsqd.Client client = d.clients().get(0);
        assertThat(client.rdyHistory).contains(0);
        await().atMost(Duration.ofSeconds(5)).until(() -> client.rdy == 1);
    }

    @Test
    void pastMaxAttemptsTheGiveUpHandlerGetsTheMessage() throws Exception {
        FakeNsqd d = daemon();
        d.put("t", "poison");
        List<Integer> gaveUp = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        Consumer c = start(ConsumerOptions.builder("t", "ch", m -> {
            calls.incrementAndGet();
            throw new IllegalArgumentException("always");
        }).daemon(d.tcpAddress()).maxAttempts(2).giveUpHandler(m -> gaveUp.add(m.attempts()))
                .requeueDelay(Duration.ofMillis(10)).noBackoff());
        await().atMost(Duration.ofSeconds(10)).until(() -> d.fins() == 1);
        assertThat(calls.get()).isEqualTo(2);
        assertThat(gaveUp).containsExactly(3);
        assertThat(c.stats().gaveUp()).isEqualTo(1);
    }

    @Test
    void manualModeLetsTheApplicationTouchAndFinish() throws Exception {
        FakeNsqd d = daemon();
        d.put("t", "held");
        List<Message> held = new CopyOnWriteArrayList<>();
        start(ConsumerOptions.builder("t", "ch", held::add).daemon(d.tcpAddress()).autoFinish(false));
        await().atMost(Duration.ofSeconds(5)).until(() -> held.size() == 1);
        Message m = held.get(0);
        assertThat(m.isResponded()).isFalse();
        m.touch();
        await().atMost(Duration.ofSeconds(5)).until(() -> d.touches() == 1);
        assertThat(d.fins()).isZero();
        m.finish();
        m.requeue(Duration.ZERO);   // ignored: already answered
        await().atMost(Duration.ofSeconds(5)).until(() -> d.fins() == 1);
        assertThat(d.reqs()).isZero();
    }

    @Test
    void autoTouchKeepsALongHandlerAlive() throws Exception {
        FakeNsqd d = daemon();
        d.msgTimeoutMs = 1000;
        d.put("t", "slow");
        CountDownLatch release = new CountDownLatch(1);
        start(ConsumerOptions.builder("t", "ch", m -> release.await(10, TimeUnit.SECONDS)).daemon(d.tcpAddress())
                .connection(ConnectionOptions.builder().msgTimeout(Duration.ofSeconds(1)).build()).autoTouch(true));
        await().atMost(Duration.ofSeconds(5)).until(() -> d.touches() >= 2);
        release.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> d.fins() == 1);
    }

    @Test
    void stopWaitsForInFlightHandlersAndFinishesThem() throws Exception {
        FakeNsqd d = daemon();
        fill(d, "s", 3);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();
        Consumer c = start(ConsumerOptions.builder("t", "ch", m -> {
            started.incrementAndGet();
            release.await(10, TimeUnit.SECONDS);
        }).daemon(d.tcpAddress()).maxInFlight(3).concurrency(3));
        await().atMost(Duration.ofSeconds(5)).until(() -> started.get() == 3);
        var stopping = c.stopAsync();
        await().atMost(Duration.ofSeconds(5)).until(() -> d.commands.contains("CLS"));
        assertThat(stopping).isNotDone();
        release.countDown();
        stopping.get(5, TimeUnit.SECONDS);
        // the FINs were written before the stop completed; the fake daemon counts them as they arrive
        await().atMost(Duration.ofSeconds(5)).until(() -> d.fins() == 3);
        assertThat(c.stats().connections()).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> d.clients().isEmpty());
    }

    @Test
    void reconnectsWhenTheDaemonDropsTheConnectionAndAnswersHeartbeats() throws Exception {
        FakeNsqd d = daemon();
        d.heartbeatEvery(50);
        Set<String> seen = ConcurrentHashMap.newKeySet();
        Consumer c = start(ConsumerOptions.builder("t", "ch", m -> seen.add(m.bodyAsString()))
                .daemon(d.tcpAddress()).maxInFlight(10));
        fill(d, "a", 20);
        await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 20);
        await().atMost(Duration.ofSeconds(5)).until(() -> d.nops() >= 2);
        d.dropConnections();
        await().atMost(Duration.ofSeconds(5)).until(() -> d.connections() == 2 && c.stats().connections() == 1);
        fill(d, "b", 20);
        await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 40);
    }
}
