package io.nodeq.daemon.broker;

import io.nodeq.daemon.DaemonExtension;
import io.nodeq.daemon.DaemonStats;
import io.nodeq.daemon.RawClient;
import io.nodeq.daemon.stats.StatsSnapshot;
import io.nodeq.daemon.storage.Metadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static io.nodeq.daemon.DaemonExtension.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a clean restart keeps (nsq-protocol.md §1.14, nsq-disk-queue.md): nsqd's TestStartup
 * (mem-queue-size 100, small segments, 300 messages half consumed), in-flight and deferred
 * messages saved at shutdown, TestPauseMetadata, and ephemeral overflow being dropped.
 */
class RestartTest {
    @RegisterExtension
    static final DaemonExtension D = new DaemonExtension(b -> b.memQueueSize(100).maxBytesPerFile(10240));

    @Test
    void halfConsumedBacklogIsDeliveredAfterRestart() throws Exception {
        String topic = unique("startup");
        Set<String> all = new HashSet<>();
        Set<String> consumed = new HashSet<>();
        try (RawClient c = D.client(); RawClient p = D.client()) {
            assertThat(c.sub(topic, "ch")).isEqualTo("OK");
            for (int batch = 0; batch < 3; batch++) {
                List<byte[]> bodies = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    String body = "startup-" + (batch * 100 + i) + "-" + "x".repeat(40);
                    all.add(body);
                    bodies.add(body.getBytes(StandardCharsets.UTF_8));
                }
                assertThat(p.mpub(topic, bodies)).isEqualTo("OK");
            }
            StatsSnapshot.ChannelStats before = DaemonStats.existingChannel(D.daemon(), topic, "ch");
            assertThat(before.depth()).isEqualTo(300);
            // the oldest leave memory once the lane has written them
            await().atMost(Duration.ofSeconds(5)).until(
                    () -> DaemonStats.existingChannel(D.daemon(), topic, "ch").backendDepth() > 0);
            // RDY is a ceiling: exactly 150 leave the channel, and RDY 0 goes before their FINs
            c.rdy(150);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 150; i++) {
                RawClient.Frame m = c.readMessage();
                assertThat(consumed.add(m.body())).isTrue();
                ids.add(m.id());
            }
            c.rdy(0);
            for (String id : ids) {
                c.fin(id);
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> {
                StatsSnapshot.ChannelStats s = DaemonStats.existingChannel(D.daemon(), topic, "ch");
                return s.inFlightCount() == 0 && s.depth() == 150;
            });
        }
        D.restart();
        assertThat(DaemonStats.topic(D.daemon(), topic).depth()).isZero();
        await().atMost(Duration.ofSeconds(5)).until(
                () -> DaemonStats.existingChannel(D.daemon(), topic, "ch").depth() == 150);
        try (RawClient c = D.client()) {
            assertThat(c.sub(topic, "ch")).isEqualTo("OK");
            c.rdy(200);
            Set<String> rest = new HashSet<>();
            for (int i = 0; i < 150; i++) {
                RawClient.Frame m = c.readMessage();
                assertThat(rest.add(m.body())).isTrue();
                c.fin(m.id());
            }
            assertThat(c.quietFor(300)).isTrue();
            Set<String> expected = new HashSet<>(all);
            expected.removeAll(consumed);
            assertThat(rest).isEqualTo(expected);
        }
        Optional<Metadata.TopicMetadata> saved = Metadata.load(D.dataDir()).topics().stream()
                .filter(t -> t.name().equals(topic)).findFirst();
        assertThat(saved).isPresent();
        assertThat(saved.get().channels()).extracting(Metadata.ChannelMetadata::name).containsExactly("ch");
    }

    @Test
    void inFlightAndDeferredMessagesAreSavedAtShutdown() throws Exception {
        String topic = unique("saved");
        try (RawClient c = D.client(); RawClient p = D.client()) {
            assertThat(c.identify("{\"msg_timeout\":60000}")).isEqualTo("OK");
            assertThat(c.sub(topic, "ch")).isEqualTo("OK");
            c.rdy(1);
            assertThat(p.pub(topic, "requeued")).isEqualTo("OK");
            RawClient.Frame first = c.readMessage();
            c.req(first.id(), 60_000);
            assertThat(p.pub(topic, "in flight")).isEqualTo("OK");
            assertThat(c.readMessage().body()).isEqualTo("in flight");
            p.dpub(topic, 60_000, "deferred");
            assertThat(p.readResponse()).isEqualTo("OK");
            assertThat(p.pub(topic, "queued")).isEqualTo("OK");
            await().atMost(Duration.ofSeconds(5)).until(() -> {
                StatsSnapshot.ChannelStats s = DaemonStats.existingChannel(D.daemon(), topic, "ch");
                return s.inFlightCount() == 1 && s.deferredCount() == 2 && s.depth() == 1;
            });
        }
        D.restart();
        try (RawClient c = D.client()) {
            assertThat(c.sub(topic, "ch")).isEqualTo("OK");
            c.rdy(10);
            Set<String> bodies = new HashSet<>();
            for (int i = 0; i < 2; i++) {
                RawClient.Frame m = c.readMessage();
                bodies.add(m.body());
                if (m.body().equals("in flight")) {
                    assertThat(m.attempts()).isEqualTo(2); // delivered once before the restart
                }
                c.fin(m.id());
            }
            assertThat(bodies).containsExactlyInAnyOrder("in flight", "queued");
            // the REQ'd and the DPUB'd message keep their due time, a minute away
            assertThat(c.quietFor(300)).isTrue();
            await().atMost(Duration.ofSeconds(5)).until(
                    () -> DaemonStats.existingChannel(D.daemon(), topic, "ch").deferredCount() == 2);
        }
    }

    @Test
    void pausedFlagsReachNsqdDatAndSurviveARestart() throws Exception {
        String topic = unique("pausemeta");
        try (RawClient c = D.client()) {
            assertThat(c.sub(topic, "ch")).isEqualTo("OK");
        }
        assertThat(DaemonStats.await(D.daemon().broker().pauseChannel(topic, "ch", true))).isEqualTo(Broker.Result.OK);
        assertThat(DaemonStats.await(D.daemon().broker().pauseTopic(topic, true))).isEqualTo(Broker.Result.OK);
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            Optional<Metadata.TopicMetadata> t = Metadata.load(D.dataDir()).topics().stream()
                    .filter(x -> x.name().equals(topic)).findFirst();
            return t.isPresent() && t.get().paused() && t.get().channels().size() == 1
                    && t.get().channels().get(0).paused();
        });
        D.restart();
        StatsSnapshot.TopicStats t = DaemonStats.topic(D.daemon(), topic);
        assertThat(t.paused()).isTrue();
        assertThat(t.channels().get(0).paused()).isTrue();
        try (RawClient p = D.client()) {
            assertThat(p.pub(topic, "held")).isEqualTo("OK");
            assertThat(DaemonStats.topic(D.daemon(), topic).depth()).isEqualTo(1);
        }
        DaemonStats.await(D.daemon().broker().pauseTopic(topic, false));
        await().atMost(Duration.ofSeconds(5)).until(
                () -> DaemonStats.existingChannel(D.daemon(), topic, "ch").depth() == 1);
    }

    @Test
    void aDeferredMessageHeldByATopicWithoutChannelsKeepsItsDeferral() throws Exception {
        // nsqd loses the deferral of a DPUB that spills to the topic's disk queue (pitfall 13);
        // in the log the due time is part of the record
        String topic = unique("spilldefer");
        try (RawClient p = D.client(); RawClient c = D.client()) {
            List<byte[]> fill = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                fill.add(("fill-" + i).getBytes(StandardCharsets.UTF_8));
            }
            assertThat(p.mpub(topic, fill)).isEqualTo("OK");
            p.dpub(topic, 60_000, "deferred");
            assertThat(p.readResponse()).isEqualTo("OK");
            p.dpub(topic, 60_000, "deferred too");
            assertThat(p.readResponse()).isEqualTo("OK");
            assertThat(DaemonStats.topic(D.daemon(), topic).depth()).isEqualTo(102);
            await().atMost(Duration.ofSeconds(5)).until(() -> DaemonStats.topic(D.daemon(), topic).backendDepth() == 2);
            assertThat(c.sub(topic, "ch")).isEqualTo("OK");
            c.rdy(200);
            Set<String> bodies = new HashSet<>();
            for (int i = 0; i < 100; i++) {
                RawClient.Frame m = c.readMessage();
                bodies.add(m.body());
                c.fin(m.id());
            }
            assertThat(bodies).doesNotContain("deferred", "deferred too").hasSize(100);
            assertThat(c.quietFor(300)).isTrue();
            assertThat(DaemonStats.existingChannel(D.daemon(), topic, "ch").deferredCount()).isEqualTo(2);
        }
    }

    @Test
    void ephemeralTopicsDropOverflowAndAreNotSaved() throws Exception {
        String topic = unique("volatile") + "#ephemeral";
        String durable = unique("durable");
        try (RawClient c = D.client(); RawClient p = D.client()) {
            assertThat(c.sub(topic, "ch")).isEqualTo("OK");
            List<byte[]> bodies = new ArrayList<>();
            for (int i = 0; i < 150; i++) {
                bodies.add(("v" + i).getBytes(StandardCharsets.UTF_8));
            }
            assertThat(p.mpub(topic, bodies)).isEqualTo("OK");
            StatsSnapshot.ChannelStats s = DaemonStats.existingChannel(D.daemon(), topic, "ch");
            assertThat(s.depth()).isEqualTo(100);
            assertThat(s.backendDepth()).isZero();
            assertThat(p.pub(durable, "marker")).isEqualTo("OK");
            await().atMost(Duration.ofSeconds(5)).until(() -> Metadata.load(D.dataDir()).topics().stream()
                    .anyMatch(t -> t.name().equals(durable)));
            assertThat(Metadata.load(D.dataDir()).topics()).noneMatch(t -> t.name().equals(topic));
        }
    }
}
