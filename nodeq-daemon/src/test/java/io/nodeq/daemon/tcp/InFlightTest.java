package io.nodeq.daemon.tcp;

import io.nodeq.daemon.Daemon;
import io.nodeq.daemon.DaemonExtension;
import io.nodeq.daemon.DaemonStats;
import io.nodeq.daemon.RawClient;
import io.nodeq.daemon.TestDaemons;
import io.nodeq.daemon.stats.StatsSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static io.nodeq.daemon.DaemonExtension.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * FIN, REQ and TOUCH against the in-flight set and its timeouts (nsq-protocol.md §1.6, §1.15,
 * pitfalls 2 and 10): nsqd's TestTouch, TestClientMsgTimeout, TestBadFin and the REQ 0 half of
 * TestReqTimeoutRange. Connections that do not IDENTIFY get the daemon's 2 s msg timeout.
 */
class InFlightTest {
    @RegisterExtension
    static final DaemonExtension D = new DaemonExtension(b -> b.msgTimeout(Duration.ofSeconds(2)));

    @Test
    void touchKeepsAMessageFromTimingOut() throws Exception {
        String topic = unique("touch");
        try (RawClient c = D.client(); RawClient p = D.client()) {
            assertThat(c.sub(topic, "ch")).isEqualTo("OK");
            c.rdy(2); // room for a redelivery, so a timeout would show
            assertThat(p.pub(topic, "touched")).isEqualTo("OK");
            RawClient.Frame m = c.readMessage();
            // without the TOUCHes the 2 s timeout would fire at 2 s
            assertThat(c.quietFor(1000)).isTrue();
            c.touch(m.id());
            assertThat(c.quietFor(1000)).isTrue();
            c.touch(m.id());
            assertThat(c.quietFor(1000)).isTrue();
            c.fin(m.id());
            assertThat(c.quietFor(300)).isTrue();
            StatsSnapshot.ChannelStats ch = DaemonStats.existingChannel(D.daemon(), topic, "ch");
            assertThat(ch.timeoutCount()).isZero();
            assertThat(ch.inFlightCount()).isZero();
        }
    }

    @Test
    void timedOutMessageIsRequeuedAndALateFinFailsWithoutClosing() throws Exception {
        String topic = unique("timeout");
        try (RawClient c = D.client(); RawClient p = D.client()) {
            assertThat(c.identify("{\"msg_timeout\":1000}")).isEqualTo("OK");
            assertThat(c.sub(topic, "ch")).isEqualTo("OK");
            c.rdy(1);
            assertThat(p.pub(topic, "slow")).isEqualTo("OK");
            RawClient.Frame m = c.readMessage();
            c.rdy(0); // keep the requeued message in the channel
            assertThat(c.quietFor(700)).isTrue();
            assertThat(DaemonStats.existingChannel(D.daemon(), topic, "ch").timeoutCount()).isZero();
            await().atMost(Duration.ofSeconds(10)).until(
                    () -> DaemonStats.existingChannel(D.daemon(), topic, "ch").timeoutCount() == 1);
            StatsSnapshot.ChannelStats ch = DaemonStats.existingChannel(D.daemon(), topic, "ch");
            assertThat(ch.requeueCount()).isZero();
            assertThat(ch.inFlightCount()).isZero();
            assertThat(ch.depth()).isEqualTo(1);
            c.fin(m.id());
            assertThat(c.readResponse()).isEqualTo("ERROR E_FIN_FAILED FIN " + m.id() + " failed ID not in flight");
            // non-fatal: the same connection gets the message again
            c.rdy(1);
            RawClient.Frame again = c.readMessage();
            assertThat(again.id()).isEqualTo(m.id());
            assertThat(again.attempts()).isEqualTo(2);
            assertThat(again.timestamp()).isEqualTo(m.timestamp());
            c.fin(again.id());
            assertThat(c.quietFor(200)).isTrue();
        }
    }

    @Test
    void unknownIdsFailWithoutClosing() throws Exception {
        String topic = unique("unknown");
        String id = "0123456789abcdef";
        try (RawClient c = D.client()) {
            assertThat(c.sub(topic, "ch")).isEqualTo("OK");
            c.fin(id);
            assertThat(c.readResponse()).isEqualTo("ERROR E_FIN_FAILED FIN " + id + " failed ID not in flight");
            c.req(id, 0);
            assertThat(c.readResponse()).isEqualTo("ERROR E_REQ_FAILED REQ " + id + " failed ID not in flight");
            c.touch(id);
            assertThat(c.readResponse()).isEqualTo("ERROR E_TOUCH_FAILED TOUCH " + id + " failed ID not in flight");
            // 16 bytes but not an ID this daemon could have made: still only "not in flight"
            c.fin("zzzzzzzzzzzzzzzz");
            assertThat(c.readResponse()).isEqualTo("ERROR E_FIN_FAILED FIN zzzzzzzzzzzzzzzz failed ID not in flight");
            assertThat(c.pub(topic + "-x", "still open")).isEqualTo("OK");
        }
    }

    @Test
    void aMessageOwnedByAnotherConsumerCannotBeFinished() throws Exception {
        String topic = unique("owner");
        try (RawClient a = D.client(); RawClient b = D.client(); RawClient p = D.client()) {
            assertThat(a.sub(topic, "ch")).isEqualTo("OK");
            assertThat(b.sub(topic, "ch")).isEqualTo("OK");
            a.rdy(1);
            assertThat(p.pub(topic, "mine")).isEqualTo("OK");
            RawClient.Frame m = a.readMessage();
            b.fin(m.id());
            assertThat(b.readResponse()).isEqualTo("ERROR E_FIN_FAILED FIN " + m.id() + " failed client does not own message");
            b.req(m.id(), 0);
            assertThat(b.readResponse()).isEqualTo("ERROR E_REQ_FAILED REQ " + m.id() + " failed client does not own message");
            b.touch(m.id());
            assertThat(b.readResponse()).isEqualTo("ERROR E_TOUCH_FAILED TOUCH " + m.id() + " failed client does not own message");
            a.fin(m.id());
            assertThat(a.quietFor(200)).isTrue();
            assertThat(DaemonStats.existingChannel(D.daemon(), topic, "ch").inFlightCount()).isZero();
        }
    }

    @Test
    void badMessageIdsAreFatal() throws Exception {
        assertFatal("FIN \n", "E_INVALID invalid message ID");
        assertFatal("FIN 0123456789abcdef0\n", "E_INVALID invalid message ID");
        assertFatal("REQ 0123456789abcde 0\n", "E_INVALID invalid message ID");
        assertFatal("TOUCH short\n", "E_INVALID invalid message ID");
        assertFatal("FIN\n", "E_INVALID FIN insufficient number of params");
        assertFatal("REQ 0123456789abcdef\n", "E_INVALID REQ insufficient number of params");
        assertFatal("REQ 0123456789abcdef -5\n", "E_INVALID REQ could not parse timeout -5");
    }

    @Test
    void reqZeroRedeliversAtOnceWithAttemptsPlusOne() throws Exception {
        String topic = unique("req0");
        try (RawClient c = D.client(); RawClient p = D.client()) {
            assertThat(c.sub(topic, "ch")).isEqualTo("OK");
            c.rdy(1);
            assertThat(p.pub(topic, "again")).isEqualTo("OK");
            RawClient.Frame m = c.readMessage();
            assertThat(m.attempts()).isEqualTo(1);
            c.req(m.id(), 0);
            RawClient.Frame again = c.readMessage();
            assertThat(again.id()).isEqualTo(m.id());
            assertThat(again.body()).isEqualTo("again");
            assertThat(again.attempts()).isEqualTo(2);
            assertThat(again.timestamp()).isEqualTo(m.timestamp());
            c.fin(again.id());
            assertThat(c.quietFor(200)).isTrue();
            StatsSnapshot.ChannelStats ch = DaemonStats.existingChannel(D.daemon(), topic, "ch");
            assertThat(ch.requeueCount()).isEqualTo(1);
            assertThat(ch.timeoutCount()).isZero();
            assertThat(ch.messageCount()).isEqualTo(1);
        }
    }

    @Test
    void disconnectDoesNotRequeueInFlightMessages() throws Exception {
        String topic = unique("gone");
        try (RawClient b = D.client(); RawClient p = D.client()) {
            RawClient.Frame m;
            try (RawClient a = D.client()) {
                assertThat(a.identify("{\"msg_timeout\":1000}")).isEqualTo("OK");
                assertThat(a.sub(topic, "ch")).isEqualTo("OK");
                a.rdy(1);
                assertThat(p.pub(topic, "orphan")).isEqualTo("OK");
                m = a.readMessage();
                assertThat(b.sub(topic, "ch")).isEqualTo("OK");
                b.rdy(1);
            }
            // still in flight after the disconnect: nothing for b until the 1 s timeout
            assertThat(b.quietFor(500)).isTrue();
            assertThat(DaemonStats.existingChannel(D.daemon(), topic, "ch").inFlightCount()).isEqualTo(1);
            b.setTimeout(10_000);
            RawClient.Frame again = b.readMessage();
            assertThat(again.id()).isEqualTo(m.id());
            assertThat(again.attempts()).isEqualTo(2);
            b.fin(again.id());
            assertThat(DaemonStats.existingChannel(D.daemon(), topic, "ch").timeoutCount()).isEqualTo(1);
        }
    }

    @Test
    void touchNeverExtendsBeyondMaxMsgTimeout(@TempDir Path dir) throws Exception {
        Daemon d = TestDaemons.start(dir, b -> b.msgTimeout(Duration.ofSeconds(1)).maxMsgTimeout(Duration.ofMillis(1500)));
        try (RawClient c = new RawClient(d.tcpPort()); RawClient p = new RawClient(d.tcpPort())) {
            assertThat(c.sub("capped", "ch")).isEqualTo("OK");
            c.rdy(2);
            assertThat(p.pub("capped", "touched forever")).isEqualTo("OK");
            RawClient.Frame m = c.readMessage();
            // TOUCH every 300 ms: without the cap the message would never time out
            c.setTimeout(300);
            long end = System.nanoTime() + 8_000_000_000L;
            RawClient.Frame again = null;
            while (again == null && System.nanoTime() < end) {
                c.touch(m.id());
                try {
                    again = c.readMessage();
                } catch (java.net.SocketTimeoutException quiet) {
                    // keep touching
                }
            }
            assertThat(again).as("redelivered despite TOUCHes").isNotNull();
            assertThat(again.id()).isEqualTo(m.id());
            assertThat(again.attempts()).isEqualTo(2);
            assertThat(DaemonStats.existingChannel(d, "capped", "ch").timeoutCount()).isEqualTo(1);
        } finally {
            TestDaemons.stop(d);
        }
    }

    private static void assertFatal(String line, String error) throws Exception {
        try (RawClient c = D.client()) {
            assertThat(c.sub(unique("fatal"), "ch")).isEqualTo("OK");
            assertThat(c.answerThenClose(io.vertx.core.buffer.Buffer.buffer(line))).isEqualTo("ERROR " + error);
        }
    }
}
