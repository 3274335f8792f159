package io.nodeq.daemon.broker;

import io.nodeq.daemon.DaemonExtension;
import io.nodeq.daemon.DaemonStats;
import io.nodeq.daemon.RawClient;
import io.nodeq.daemon.stats.StatsFilter;
import io.nodeq.daemon.stats.StatsSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.nodeq.daemon.DaemonExtension.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Topic behaviour (nsq-protocol.md §1.14, pitfall 11): nsqd's TestDeletes, TestDeleteLast,
 * TestPause, TestPausing, TestEphemeralTopicsAndChannels, TestGetTopic/TestGetChannel, and the
 * fan-out snapshot.
 */
class TopicTest {
    /** A small memory queue, so emptying a topic also has disk-queued messages to drop. */
    @RegisterExtension
    static final DaemonExtension D = new DaemonExtension(b -> b.memQueueSize(100));

    private static Broker broker() {
        return D.daemon().broker();
    }

    @Test
    void topicsAndChannelsAreCreatedOnceByName() throws Exception {
        String topic = unique("get");
        try (RawClient a = D.client(); RawClient b = D.client()) {
            assertThat(a.sub(topic, "ch")).isEqualTo("OK");
            assertThat(b.sub(topic, "ch")).isEqualTo("OK");
            DaemonStats.await(broker().createTopic(topic));
            assertThat(DaemonStats.await(broker().createChannel(topic, "ch"))).isEqualTo(Broker.Result.OK);
            StatsSnapshot.TopicStats t = DaemonStats.topic(D.daemon(), topic);
            assertThat(t.channels()).extracting(StatsSnapshot.ChannelStats::channelName).containsExactly("ch");
            assertThat(t.channels().get(0).clientCount()).isEqualTo(2);
            assertThat(DaemonStats.topic(D.daemon(), unique("other"))).isNull();
        }
    }

    @Test
    void deletingAChannelClosesItsConsumersAndDeletingATopicRemovesItsChannels() throws Exception {
        String topic = unique("del");
        try (RawClient c = D.client(); RawClient p = D.client()) {
            assertThat(c.sub(topic, "ch1")).isEqualTo("OK");
            DaemonStats.await(broker().createChannel(topic, "ch2"));
            assertThat(p.pub(topic, "x")).isEqualTo("OK");
            assertThat(DaemonStats.await(broker().deleteChannel(topic, "ch1"))).isEqualTo(Broker.Result.OK);
            assertThat(c.closedByServer(3000)).isTrue();
            assertThat(DaemonStats.channel(D.daemon(), topic, "ch1")).isNull();
            assertThat(DaemonStats.existingChannel(D.daemon(), topic, "ch2").depth()).isEqualTo(1);
            assertThat(DaemonStats.await(broker().deleteChannel(topic, "ch1"))).isEqualTo(Broker.Result.CHANNEL_NOT_FOUND);

            assertThat(DaemonStats.await(broker().deleteTopic(topic))).isEqualTo(Broker.Result.OK);
            assertThat(DaemonStats.topic(D.daemon(), topic)).isNull();
            assertThat(DaemonStats.await(broker().deleteTopic(topic))).isEqualTo(Broker.Result.TOPIC_NOT_FOUND);
            // a topic of the same name starts from nothing
            assertThat(p.pub(topic, "fresh")).isEqualTo("OK");
            StatsSnapshot.TopicStats t = DaemonStats.topic(D.daemon(), topic);
            assertThat(t.channels()).isEmpty();
            assertThat(t.depth()).isEqualTo(1);
        }
    }

    @Test
    void afterDeletingTheLastChannelAPublishStaysInTheTopic() throws Exception {
        String topic = unique("last");
        try (RawClient p = D.client()) {
            DaemonStats.await(broker().createTopic(topic));
            DaemonStats.await(broker().createChannel(topic, "only"));
            assertThat(DaemonStats.await(broker().deleteChannel(topic, "only"))).isEqualTo(Broker.Result.OK);
            assertThat(p.pub(topic, "kept")).isEqualTo("OK");
            StatsSnapshot.TopicStats t = DaemonStats.topic(D.daemon(), topic);
            assertThat(t.channels()).isEmpty();
            assertThat(t.depth()).isEqualTo(1);
        }
    }

    @Test
    void aTopicBuffersUntilItsFirstChannelAndLaterChannelsMissEarlierMessages() throws Exception {
        String topic = unique("snapshot");
        try (RawClient p = D.client(); RawClient c1 = D.client(); RawClient c2 = D.client()) {
            assertThat(p.pub(topic, "early")).isEqualTo("OK");
            assertThat(DaemonStats.topic(D.daemon(), topic).depth()).isEqualTo(1);
            assertThat(c1.sub(topic, "first")).isEqualTo("OK");
            c1.rdy(1);
            assertThat(c1.readMessage().body()).isEqualTo("early");
            assertThat(c2.sub(topic, "second")).isEqualTo("OK");
            c2.rdy(1);
            assertThat(c2.quietFor(300)).isTrue();
            assertThat(p.pub(topic, "late")).isEqualTo("OK");
            assertThat(c2.readMessage().body()).isEqualTo("late");
        }
    }

    @Test
    void pausedTopicHoldsMessagesUntilUnpaused() throws Exception {
        String topic = unique("tpause");
        try (RawClient c = D.client(); RawClient p = D.client()) {
            assertThat(c.sub(topic, "ch")).isEqualTo("OK");
            assertThat(DaemonStats.await(broker().pauseTopic(topic, true))).isEqualTo(Broker.Result.OK);
            c.rdy(1);
            assertThat(p.pub(topic, "held")).isEqualTo("OK");
            assertThat(c.quietFor(300)).isTrue();
            StatsSnapshot.TopicStats t = DaemonStats.topic(D.daemon(), topic);
            assertThat(t.paused()).isTrue();
            assertThat(t.depth()).isEqualTo(1);
            assertThat(t.channels().get(0).depth()).isZero();

            assertThat(DaemonStats.await(broker().pauseTopic(topic, false))).isEqualTo(Broker.Result.OK);
            assertThat(c.readMessage().body()).isEqualTo("held");
            t = DaemonStats.topic(D.daemon(), topic);
            assertThat(t.paused()).isFalse();
            assertThat(t.depth()).isZero();
        }
    }

    @Test
    void pausedChannelStopsDeliveryButInFlightCanStillBeFinished() throws Exception {
        String topic = unique("cpause");
        try (RawClient c = D.client(); RawClient p = D.client()) {
            assertThat(c.sub(topic, "ch")).isEqualTo("OK");
            c.rdy(5);
            assertThat(p.pub(topic, "first")).isEqualTo("OK");
            RawClient.Frame first = c.readMessage();
            assertThat(DaemonStats.await(broker().pauseChannel(topic, "ch", true))).isEqualTo(Broker.Result.OK);
            assertThat(p.pub(topic, "while paused")).isEqualTo("OK");
            assertThat(c.quietFor(300)).isTrue();
            c.fin(first.id());
            assertThat(c.quietFor(200)).isTrue();
            StatsSnapshot.ChannelStats s = DaemonStats.existingChannel(D.daemon(), topic, "ch");
            assertThat(s.paused()).isTrue();
            assertThat(s.depth()).isEqualTo(1);
            assertThat(s.inFlightCount()).isZero();

            assertThat(DaemonStats.await(broker().pauseChannel(topic, "ch", false))).isEqualTo(Broker.Result.OK);
            assertThat(c.readMessage().body()).isEqualTo("while paused");
        }
    }

    @Test
    void ephemeralChannelAndTopicVanishWithTheirLastClient() throws Exception {
        String topic = unique("eph") + "#ephemeral";
        try (RawClient a = D.client(); RawClient b = D.client()) {
            assertThat(a.sub(topic, "ch#ephemeral")).isEqualTo("OK");
            assertThat(b.sub(topic, "ch#ephemeral")).isEqualTo("OK");
            a.close();
            await().atMost(Duration.ofSeconds(5)).until(
                    () -> DaemonStats.existingChannel(D.daemon(), topic, "ch#ephemeral").clientCount() == 1);
            assertThat(DaemonStats.topic(D.daemon(), topic)).isNotNull();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> DaemonStats.topic(D.daemon(), topic) == null);
    }

    @Test
    void ephemeralChannelOnANormalTopicVanishesAndTheTopicStays() throws Exception {
        String topic = unique("ephch");
        try (RawClient c = D.client()) {
            assertThat(c.sub(topic, "tap#ephemeral")).isEqualTo("OK");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> DaemonStats.channel(D.daemon(), topic, "tap#ephemeral") == null);
        assertThat(DaemonStats.topic(D.daemon(), topic)).isNotNull();
    }

    @Test
    void deletingTheLastChannelOfAnEphemeralTopicDeletesTheTopic() throws Exception {
        String topic = unique("ephdel") + "#ephemeral";
        DaemonStats.await(broker().createTopic(topic));
        DaemonStats.await(broker().createChannel(topic, "ch"));
        assertThat(DaemonStats.await(broker().deleteChannel(topic, "ch"))).isEqualTo(Broker.Result.OK);
        await().atMost(Duration.ofSeconds(5)).until(() -> DaemonStats.topic(D.daemon(), topic) == null);
    }

    @Test
    void emptyingATopicDropsItsMemoryAndDiskQueue() throws Exception {
        String topic = unique("tempty");
        try (RawClient p = D.client(); RawClient c = D.client()) {
            List<byte[]> bodies = new ArrayList<>();
            for (int i = 0; i < 150; i++) {
                bodies.add(("old-" + i).getBytes(StandardCharsets.UTF_8));
            }
            assertThat(p.mpub(topic, bodies)).isEqualTo("OK");
            StatsSnapshot.TopicStats t = DaemonStats.topic(D.daemon(), topic);
            assertThat(t.depth()).isEqualTo(150);
            // the oldest 50 leave memory once the lane has written them to the log
            await().atMost(Duration.ofSeconds(5)).until(() -> DaemonStats.topic(D.daemon(), topic).backendDepth() == 50);
            assertThat(DaemonStats.await(broker().emptyTopic(topic))).isEqualTo(Broker.Result.OK);
            assertThat(DaemonStats.topic(D.daemon(), topic).depth()).isZero();
            assertThat(c.sub(topic, "ch")).isEqualTo("OK");
            c.rdy(10);
            assertThat(c.quietFor(300)).isTrue();
            assertThat(p.pub(topic, "new")).isEqualTo("OK");
            assertThat(c.readMessage().body()).isEqualTo("new");
            assertThat(c.quietFor(200)).isTrue();
        }
    }

    @Test
    void statsFiltersByTopicChannelAndClients() throws Exception {
        String topic = unique("stats");
        try (RawClient c = D.client()) {
            assertThat(c.sub(topic, "ch")).isEqualTo("OK");
            StatsSnapshot with = DaemonStats.await(broker().stats(new StatsFilter(topic, "ch", true)));
            assertThat(with.topics()).hasSize(1);
            assertThat(with.topics().get(0).channels().get(0).clients()).hasSize(1);
            StatsSnapshot without = DaemonStats.await(broker().stats(new StatsFilter(topic, "ch", false)));
            StatsSnapshot.ChannelStats ch = without.topics().get(0).channels().get(0);
            assertThat(ch.clients() == null || ch.clients().isEmpty()).isTrue();
            assertThat(ch.clientCount()).isEqualTo(1);
            assertThat(DaemonStats.await(broker().stats(new StatsFilter(topic, "missing", true))).topics()).isEmpty();
            StatsSnapshot noTopic = DaemonStats.await(broker().stats(new StatsFilter(unique("missing"), null, true)));
            assertThat(noTopic.topics() == null || noTopic.topics().isEmpty()).isTrue();
        }
    }
}
