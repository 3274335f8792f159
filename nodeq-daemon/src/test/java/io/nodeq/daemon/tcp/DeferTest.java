package io.nodeq.daemon.tcp;

import io.nodeq.daemon.DaemonExtension;
import io.nodeq.daemon.DaemonStats;
import io.nodeq.daemon.RawClient;
import io.nodeq.daemon.stats.StatsSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static io.nodeq.daemon.DaemonExtension.unique;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deferred messages: DPUB and REQ with a delay (nsq-protocol.md §1.6, §1.14, pitfall 13): nsqd's
 * TestDPUB and TestReqTimeoutRange, with --max-req-timeout 2 s so clamping is observable.
 */
class DeferTest {
    @RegisterExtension
    static final DaemonExtension D = new DaemonExtension(b -> b.maxReqTimeout(Duration.ofSeconds(2)));

    @Test
    void dpubIsDeferredOnTheChannelThenDelivered() throws Exception {
        String topic = unique("dpub");
        try (RawClient c = D.client(); RawClient p = D.client()) {
            assertThat(c.sub(topic, "ch")).isEqualTo("OK");
            long before = System.currentTimeMillis() * 1_000_000L;
            p.dpub(topic, 1000, "later");
            assertThat(p.readResponse()).isEqualTo("OK");
            StatsSnapshot.ChannelStats ch = DaemonStats.existingChannel(D.daemon(), topic, "ch");
            assertThat(ch.deferredCount()).isEqualTo(1);
            assertThat(ch.messageCount()).isEqualTo(1);
            assertThat(ch.depth()).isZero();
            assertThat(DaemonStats.topic(D.daemon(), topic).depth()).isZero();
            c.rdy(1);
            assertThat(c.quietFor(600)).isTrue();
            c.setTimeout(8000);
            RawClient.Frame m = c.readMessage();
            assertThat(m.body()).isEqualTo("later");
            assertThat(m.attempts()).isEqualTo(1);
            // the publish time, not the due time
            assertThat(m.timestamp()).isBetween(before - 1_000_000_000L, before + 500_000_000L);
            c.fin(m.id());
        }
    }

    @Test
    void dpubZeroIsNotDeferred() throws Exception {
        String topic = unique("dpub0");
        try (RawClient c = D.client(); RawClient p = D.client()) {
            assertThat(c.sub(topic, "ch")).isEqualTo("OK");
            c.rdy(1);
            p.dpub(topic, 0, "now");
            assertThat(p.readResponse()).isEqualTo("OK");
            assertThat(c.readMessage().body()).isEqualTo("now");
        }
    }

    @Test
    void deferralStartsWhenTheTopicCopiesToAChannel() throws Exception {
        String topic = unique("dpubhold");
        try (RawClient c = D.client(); RawClient p = D.client()) {
            p.dpub(topic, 1500, "held");
            assertThat(p.readResponse()).isEqualTo("OK");
            assertThat(DaemonStats.topic(D.daemon(), topic).depth()).isEqualTo(1);
            assertThat(c.sub(topic, "ch")).isEqualTo("OK");
            StatsSnapshot.ChannelStats ch = DaemonStats.existingChannel(D.daemon(), topic, "ch");
            assertThat(ch.deferredCount()).isEqualTo(1);
            assertThat(DaemonStats.topic(D.daemon(), topic).depth()).isZero();
        }
    }

    @Test
    void dpubOutOfRangeIsRefused() throws Exception {
        String topic = unique("dpubbad");
        assertFatal("DPUB " + topic + " 2001\n", "E_INVALID DPUB timeout 2001 out of range 0-2000");
        assertFatal("DPUB " + topic + " -1\n", "E_INVALID DPUB could not parse timeout -1");
        assertFatal("DPUB " + topic + " soon\n", "E_INVALID DPUB could not parse timeout soon");
        assertFatal("DPUB " + topic + "\n", "E_INVALID DPUB insufficient number of parameters");
    }

    @Test
    void reqWithDelayDefersThenRedelivers() throws Exception {
        String topic = unique("reqd");
        try (RawClient c = D.client(); RawClient p = D.client()) {
            assertThat(c.sub(topic, "ch")).isEqualTo("OK");
            c.rdy(1);
            assertThat(p.pub(topic, "retry")).isEqualTo("OK");
            RawClient.Frame m = c.readMessage();
            c.req(m.id(), 700);
            assertThat(c.quietFor(400)).isTrue();
            StatsSnapshot.ChannelStats ch = DaemonStats.existingChannel(D.daemon(), topic, "ch");
            assertThat(ch.deferredCount()).isEqualTo(1);
            assertThat(ch.inFlightCount()).isZero();
            assertThat(ch.requeueCount()).isEqualTo(1);
            c.setTimeout(8000);
            RawClient.Frame again = c.readMessage();
            assertThat(again.id()).isEqualTo(m.id());
            assertThat(again.attempts()).isEqualTo(2);
            c.fin(again.id());
        }
    }

    @Test
    void reqAboveMaxReqTimeoutIsClampedNotRefused() throws Exception {
        String topic = unique("reqclamp");
        try (RawClient c = D.client(); RawClient p = D.client()) {
            assertThat(c.sub(topic, "ch")).isEqualTo("OK");
            c.rdy(1);
            assertThat(p.pub(topic, "clamped")).isEqualTo("OK");
            RawClient.Frame m = c.readMessage();
            c.req(m.id(), 3_600_000);
            // clamped to the 2 s maximum: not before it, but long before an hour
            assertThat(c.quietFor(1500)).isTrue();
            c.setTimeout(10_000);
            RawClient.Frame again = c.readMessage();
            assertThat(again.id()).isEqualTo(m.id());
            c.fin(again.id());
        }
    }

    private static void assertFatal(String line, String error) throws Exception {
        try (RawClient c = D.client()) {
            assertThat(c.answerThenClose(io.vertx.core.buffer.Buffer.buffer(line).appendInt(1).appendString("x")))
                    .isEqualTo("ERROR " + error);
        }
    }
}
