package io.nodeq.daemon.tcp;

import io.nodeq.daemon.DaemonExtension;
import io.nodeq.daemon.DaemonStats;
import io.nodeq.daemon.RawClient;
import io.nodeq.daemon.stats.StatsSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.nodeq.daemon.DaemonExtension.unique;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * RDY as a ceiling on in-flight messages, consumers sharing a channel, and CLS (nsq-protocol.md
 * §1.5, §1.6, §1.10, pitfall 1).
 */
class FlowControlTest {
    @RegisterExtension
    static final DaemonExtension D = new DaemonExtension();

    @Test
    void rdyIsACeilingNotACountdown() throws Exception {
        String topic = unique("ceiling");
        try (RawClient c = D.client(); RawClient p = D.client()) {
            assertThat(c.sub(topic, "ch")).isEqualTo("OK");
            c.rdy(2);
            assertThat(p.mpub(topic, bodies("a", "b"))).isEqualTo("OK");
            RawClient.Frame m1 = c.readMessage();
            RawClient.Frame m2 = c.readMessage();
            c.fin(m1.id());
            c.fin(m2.id());
            assertThat(c.quietFor(200)).isTrue();
            // no new RDY: two more arrive, the third waits for a free slot
            assertThat(p.mpub(topic, bodies("c", "d", "e"))).isEqualTo("OK");
            RawClient.Frame m3 = c.readMessage();
            RawClient.Frame m4 = c.readMessage();
            assertThat(c.quietFor(300)).isTrue();
            assertThat(DaemonStats.existingChannel(D.daemon(), topic, "ch").clients().get(0).readyCount()).isEqualTo(2);
            c.fin(m3.id());
            RawClient.Frame m5 = c.readMessage();
            Set<String> seen = new HashSet<>(List.of(m1.body(), m2.body(), m3.body(), m4.body(), m5.body()));
            assertThat(seen).containsExactlyInAnyOrder("a", "b", "c", "d", "e");
        }
    }

    @Test
    void rdyZeroStopsAndLoweringBelowInFlightWaitsForCompletions() throws Exception {
        String topic = unique("lower");
        try (RawClient c = D.client(); RawClient p = D.client()) {
            assertThat(c.sub(topic, "ch")).isEqualTo("OK");
            assertThat(p.mpub(topic, bodies("1", "2", "3", "4", "5"))).isEqualTo("OK");
            assertThat(c.quietFor(200)).isTrue(); // RDY is 0 after SUB
            c.rdy(3);
            List<RawClient.Frame> held = new ArrayList<>(List.of(c.readMessage(), c.readMessage(), c.readMessage()));
            c.rdy(1);
            c.fin(held.get(0).id());
            assertThat(c.quietFor(300)).isTrue(); // 2 in flight >= RDY 1
            c.fin(held.get(1).id());
            c.fin(held.get(2).id());
            RawClient.Frame next = c.readMessage();
            assertThat(c.quietFor(300)).isTrue();
            c.send("RDY\n"); // no parameter means 1: still full
            assertThat(c.quietFor(200)).isTrue();
            c.fin(next.id());
            RawClient.Frame last = c.readMessage();
            c.rdy(0);
            c.fin(last.id());
            assertThat(c.quietFor(200)).isTrue();
            assertThat(DaemonStats.existingChannel(D.daemon(), topic, "ch").depth()).isZero();
        }
    }

    @Test
    void consumersOnOneChannelShareItsMessages() throws Exception {
        String topic = unique("share");
        try (RawClient a = D.client(); RawClient b = D.client(); RawClient p = D.client()) {
            assertThat(a.sub(topic, "ch")).isEqualTo("OK");
            assertThat(b.sub(topic, "ch")).isEqualTo("OK");
            a.rdy(5);
            b.rdy(5);
            List<byte[]> ten = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                ten.add(("m" + i).getBytes(StandardCharsets.UTF_8));
            }
            assertThat(p.mpub(topic, ten)).isEqualTo("OK");
            Set<String> ids = new HashSet<>();
            Set<String> got = new HashSet<>();
            for (RawClient c : List.of(a, b)) {
                for (int i = 0; i < 5; i++) {
                    RawClient.Frame m = c.readMessage();
                    assertThat(ids.add(m.id())).isTrue();
                    got.add(m.body());
                }
                assertThat(c.quietFor(200)).isTrue();
            }
            assertThat(got).hasSize(10);
            StatsSnapshot.ChannelStats ch = DaemonStats.existingChannel(D.daemon(), topic, "ch");
            assertThat(ch.inFlightCount()).isEqualTo(10);
            assertThat(ch.clientCount()).isEqualTo(2);
        }
    }

    @Test
    void clsStopsDeliveryButFinStillWorks() throws Exception {
        String topic = unique("cls");
        try (RawClient c = D.client(); RawClient p = D.client()) {
            assertThat(c.sub(topic, "ch")).isEqualTo("OK");
            c.rdy(5);
            assertThat(p.pub(topic, "before")).isEqualTo("OK");
            RawClient.Frame m = c.readMessage();
            c.send("CLS\n");
            assertThat(c.readResponse()).isEqualTo("CLOSE_WAIT");
            assertThat(DaemonStats.existingChannel(D.daemon(), topic, "ch").clients().get(0).state()).isEqualTo(4);
            assertThat(p.pub(topic, "after")).isEqualTo("OK");
            c.rdy(5); // ignored in the closing state
            assertThat(c.quietFor(300)).isTrue();
            c.fin(m.id());
            assertThat(c.quietFor(200)).isTrue();
            assertThat(DaemonStats.existingChannel(D.daemon(), topic, "ch").inFlightCount()).isZero();
            c.send("CLS\n");
            assertThat(c.readResponse()).isEqualTo("ERROR E_INVALID cannot CLS in current state");
            assertThat(c.closedByServer(2000)).isTrue();
        }
    }

    @Test
    void subscribedConnectionsMayPublish() throws Exception {
        String topic = unique("subpub");
        try (RawClient c = D.client()) {
            assertThat(c.sub(topic, "ch")).isEqualTo("OK");
            assertThat(c.pub(topic, "self")).isEqualTo("OK");
            c.rdy(1);
            assertThat(c.readMessage().body()).isEqualTo("self");
        }
    }

    private static List<byte[]> bodies(String... texts) {
        List<byte[]> out = new ArrayList<>();
        for (String t : texts) {
            out.add(t.getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }
}
