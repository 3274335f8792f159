package io.nodeq.daemon.broker;

import io.nodeq.daemon.Daemon;
import io.nodeq.daemon.DaemonExtension;
import io.nodeq.daemon.DaemonStats;
import io.nodeq.daemon.RawClient;
import io.nodeq.daemon.TestDaemons;
import io.nodeq.daemon.stats.StatsSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.nodeq.daemon.DaemonExtension.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Channel behaviour (nsq-protocol.md §1.14, §1.15): nsqd's TestPutMessage(2Chan), TestInFlightWorker,
 * TestChannelEmpty(Consumer), TestMaxChannelConsumers and TestStatsChannelLocking, through real
 * connections. Connections that do not IDENTIFY get the daemon's 300 ms msg timeout.
 */
class ChannelTest {
    @RegisterExtension
    static final DaemonExtension D = new DaemonExtension(b -> b.msgTimeout(Duration.ofMillis(300)));

    @Test
    void eachChannelGetsItsOwnCopyInItsQueue() throws Exception {
        String topic = unique("put");
        DaemonStats.await(D.daemon().broker().createTopic(topic));
        DaemonStats.await(D.daemon().broker().createChannel(topic, "a"));
        DaemonStats.await(D.daemon().broker().createChannel(topic, "b"));
        try (RawClient p = D.client(); RawClient c = D.client()) {
            assertThat(p.pub(topic, "copy")).isEqualTo("OK");
            for (String ch : List.of("a", "b")) {
                StatsSnapshot.ChannelStats s = DaemonStats.existingChannel(D.daemon(), topic, ch);
                assertThat(s.depth()).isEqualTo(1);
                assertThat(s.messageCount()).isEqualTo(1);
            }
            assertThat(DaemonStats.topic(D.daemon(), topic).depth()).isZero();
            assertThat(c.sub(topic, "b")).isEqualTo("OK");
            c.rdy(1);
            assertThat(c.readMessage().body()).isEqualTo("copy");
        }
    }

    @Test
    void inFlightWorkerRequeuesTimedOutMessages() throws Exception {
        String topic = unique("worker");
        try (RawClient c = D.client(); RawClient p = D.client()) {
            assertThat(c.sub(topic, "ch")).isEqualTo("OK");
            assertThat(p.mpub(topic, numbered(250))).isEqualTo("OK");
            c.rdy(250);
            for (int i = 0; i < 250; i++) {
                c.readMessage();
            }
            c.rdy(0);
            // nsqd allows 4x the timeout; a loaded 2-core machine gets more slack
            await().atMost(Duration.ofSeconds(6)).until(() -> {
                StatsSnapshot.ChannelStats s = DaemonStats.existingChannel(D.daemon(), topic, "ch");
                return s.inFlightCount() == 0 && s.depth() == 250;
            });
            StatsSnapshot.ChannelStats s = DaemonStats.existingChannel(D.daemon(), topic, "ch");
            assertThat(s.timeoutCount()).isEqualTo(250);
            assertThat(s.clients().get(0).inFlightCount()).isZero();
        }
    }

    @Test
    void emptyDropsQueuedInFlightAndDeferredAndResetsConsumers() throws Exception {
        String topic = unique("empty");
        try (RawClient c = D.client(); RawClient p = D.client()) {
            assertThat(c.identify("{\"msg_timeout\":60000}")).isEqualTo("OK");
            assertThat(c.sub(topic, "ch")).isEqualTo("OK");
            c.rdy(25);
            assertThat(p.mpub(topic, numbered(25))).isEqualTo("OK");
            List<RawClient.Frame> held = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                held.add(c.readMessage());
            }
            c.rdy(0);
            c.req(held.get(0).id(), 60_000);
            assertThat(p.mpub(topic, numbered(5))).isEqualTo("OK");
            await().atMost(Duration.ofSeconds(5)).until(() -> {
                StatsSnapshot.ChannelStats s = DaemonStats.existingChannel(D.daemon(), topic, "ch");
                return s.inFlightCount() == 24 && s.deferredCount() == 1 && s.depth() == 5;
            });
            assertThat(DaemonStats.existingChannel(D.daemon(), topic, "ch").clients().get(0).inFlightCount()).isEqualTo(24);

            assertThat(DaemonStats.await(D.daemon().broker().emptyChannel(topic, "ch"))).isEqualTo(Broker.Result.OK);
            StatsSnapshot.ChannelStats s = DaemonStats.existingChannel(D.daemon(), topic, "ch");
            assertThat(s.inFlightCount()).isZero();
            assertThat(s.deferredCount()).isZero();
            assertThat(s.depth()).isZero();
            assertThat(s.clients().get(0).inFlightCount()).isZero();

            // the emptied messages are gone for good; the consumer's RDY budget is whole again
            c.fin(held.get(1).id());
            assertThat(c.readResponse()).isEqualTo("ERROR E_FIN_FAILED FIN " + held.get(1).id() + " failed ID not in flight");
            c.rdy(1);
            assertThat(p.pub(topic, "after empty")).isEqualTo("OK");
            assertThat(c.readMessage().body()).isEqualTo("after empty");
        }
    }

    @Test
    void statsDuringConcurrentPublishesSeeTheConsumersInFlight() throws Exception {
        String topic = unique("locking");
        try (RawClient c = D.client(); RawClient p = D.client(); RawClient p2 = D.client()) {
            assertThat(c.identify("{\"msg_timeout\":60000}")).isEqualTo("OK");
            assertThat(c.sub(topic, "ch")).isEqualTo("OK");
            c.rdy(25);
            for (int i = 0; i < 5; i++) {
                assertThat(p.mpub(topic, numbered(10))).isEqualTo("OK");
                assertThat(DaemonStats.all(D.daemon()).topics()).isNotEmpty();
                assertThat(p2.pub(topic, "x" + i)).isEqualTo("OK");
            }
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < 25; i++) {
                ids.add(c.readMessage().id());
            }
            assertThat(ids).hasSize(25);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                StatsSnapshot.ChannelStats s = DaemonStats.existingChannel(D.daemon(), topic, "ch");
                assertThat(s.inFlightCount()).isEqualTo(25);
                assertThat(s.depth()).isEqualTo(30);
                assertThat(s.clients().get(0).inFlightCount()).isEqualTo(25);
            });
        }
    }

    @Test
    void maxChannelConsumersRefusesTheNextSub(@TempDir Path dir) throws Exception {
        Daemon d = TestDaemons.start(dir, b -> b.maxChannelConsumers(1));
        try (RawClient first = new RawClient(d.tcpPort()); RawClient second = new RawClient(d.tcpPort());
             RawClient other = new RawClient(d.tcpPort())) {
            assertThat(first.sub("limited", "ch")).isEqualTo("OK");
            assertThat(second.sub("limited", "ch"))
                    .isEqualTo("ERROR E_SUB_FAILED SUB failed consumers for limited:ch exceeds limit of 1");
            assertThat(second.closedByServer(2000)).isTrue();
            assertThat(other.sub("limited", "ch2")).isEqualTo("OK");
            assertThat(DaemonStats.existingChannel(d, "limited", "ch").clientCount()).isEqualTo(1);
        } finally {
            TestDaemons.stop(d);
        }
    }

    @Test
    void withMemQueueSizeZeroEverythingGoesThroughDiskAndIsStillDelivered(@TempDir Path dir) throws Exception {
        Daemon d = TestDaemons.start(dir, b -> b.memQueueSize(0));
        try (RawClient c = new RawClient(d.tcpPort()); RawClient p = new RawClient(d.tcpPort())) {
            assertThat(p.mpub("diskonly", numbered(10))).isEqualTo("OK");
            // out of memory once the lane wrote them (memory-first acknowledges first)
            await().atMost(Duration.ofSeconds(5)).until(() -> DaemonStats.topic(d, "diskonly").backendDepth() == 10);
            assertThat(c.sub("diskonly", "ch")).isEqualTo("OK");
            c.rdy(20);
            Set<String> bodies = new HashSet<>();
            for (int i = 0; i < 10; i++) {
                RawClient.Frame m = c.readMessage();
                bodies.add(m.body());
                if (i == 0) {
                    c.req(m.id(), 0); // back through the disk queue too
                } else {
                    c.fin(m.id());
                }
            }
            RawClient.Frame again = c.readMessage();
            assertThat(again.attempts()).isEqualTo(2);
            c.fin(again.id());
            assertThat(bodies).hasSize(10);
            assertThat(p.pub("diskonly", "live")).isEqualTo("OK");
            assertThat(c.readMessage().body()).isEqualTo("live");
        } finally {
            TestDaemons.stop(d);
        }
    }

    @Test
    void emptyWhileTheDiskBacklogIsBeingReadBackDropsItForGood(@TempDir Path dir) throws Exception {
        Daemon d = TestDaemons.start(dir, b -> b.memQueueSize(100));
        java.util.concurrent.atomic.AtomicInteger received = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
        try (RawClient c = new RawClient(d.tcpPort()); RawClient p = new RawClient(d.tcpPort())) {
            assertThat(c.sub("backlog", "ch")).isEqualTo("OK");
            for (int i = 0; i < 3; i++) {
                assertThat(p.mpub("backlog", numbered(4000))).isEqualTo("OK");
            }
            c.rdy(50);
            java.util.concurrent.Future<?> drain = pool.submit(() -> {
                c.setTimeout(200);
                while (!stop.get()) {
                    try {
                        RawClient.Frame m = c.readSkippingHeartbeats();
                        if (m.isMessage()) {
                            received.incrementAndGet();
                            c.fin(m.id());
                        } else {
                            // FINs of messages the empty dropped while they were on their way
                            assertThat(m.text()).startsWith("E_FIN_FAILED");
                        }
                    } catch (java.net.SocketTimeoutException idle) {
                        // look at the stop flag again
                    }
                }
                return null;
            });
            // empty several times while the consumer drains the disk backlog through read-ahead
            for (int round = 0; round < 2; round++) {
                int before = received.get();
                int r = round;
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(received.get())
                        .as("round %d: %s", r, DaemonStats.existingChannel(d, "backlog", "ch"))
                        .isGreaterThanOrEqualTo(before + 300));
                assertThat(DaemonStats.await(d.broker().emptyChannel("backlog", "ch"))).isEqualTo(Broker.Result.OK);
                int atEmpty = received.get();
                await().atMost(Duration.ofSeconds(5)).until(() -> {
                    StatsSnapshot.ChannelStats s = DaemonStats.existingChannel(d, "backlog", "ch");
                    return s.depth() == 0 && s.inFlightCount() == 0;
                });
                // at most what was already on its way (RDY 50) may still arrive; nothing read back later
                await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(
                        () -> DaemonStats.existingChannel(d, "backlog", "ch").depth() == 0);
                assertThat(received.get() - atEmpty).as("messages after empty in round %d", round).isLessThanOrEqualTo(50);
                assertThat(p.mpub("backlog", numbered(4000))).isEqualTo("OK");
            }
            stop.set(true);
            drain.get(10, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            stop.set(true);
            pool.shutdownNow();
            TestDaemons.stop(d);
        }
    }

    static List<byte[]> numbered(int n) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(("msg-" + i).getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }
}
