package io.nodeq.daemon.broker;

import io.nodeq.daemon.DaemonOptions;
import io.nodeq.daemon.log.FaultyFiles;
import io.nodeq.daemon.stats.StatsFilter;
import io.nodeq.daemon.stats.StatsSnapshot;
import io.nodeq.daemon.storage.Metadata.TopicMetadata;
import io.nodeq.protocol.Headers;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.nodeq.daemon.broker.BrokerCalls.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Idempotent publish (PROTOCOL-EXTENSIONS.md): a repeated {@code Nodeq-Msg-Id} inside the topic's
 * dedup window is answered OK and stored once, also inside one MPUB; the window is measured on an
 * injected {@link BrokerClock} (moved, never waited for); it expires, forgets the keys of a durable
 * write that failed (disk full, fsync error), and is rebuilt from the log by a restart.
 */
class DedupTest {
    private static final Duration WINDOW = Duration.ofMinutes(2);

    @TempDir
    Path dir;
    private final Vertx vertx = Vertx.vertx();
    private final ManualClock clock = new ManualClock();
    private final FaultyFiles files = new FaultyFiles();
    private DaemonOptions options;
    private ShardedBroker broker;

    @BeforeEach
    void start() throws Exception {
        options = DaemonOptions.forTest(dir).shards(1).durability("durable")
                .queueScanInterval(Duration.ofHours(1)).build();
        broker = newBroker();
        result(broker.createTopic("t", null, new TopicSettings.Update(WINDOW, null)));
        result(broker.createChannel("t", "ch"));
    }

    private ShardedBroker newBroker() {
        ShardedBroker b = new ShardedBroker(vertx, options, BrokerStorage.of(options, files), BrokerListener.NONE, clock);
        b.start();
        return b;
    }

    @AfterEach
    void stop() throws Exception {
        files.spaceReturns();
        files.failForce = false;
        broker.close().await(10, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private static byte[] keyed(String key, String payload) {
        Headers h = key == null ? Headers.of("Other", "x") : Headers.of(Headers.MSG_ID, key);
        return h.frame(payload.getBytes(StandardCharsets.UTF_8));
    }

    private void pub(String topic, String key) throws Exception {
        result(broker.publish(topic, List.of(keyed(key, "body")), 0, true));
    }

    private StatsSnapshot.TopicStats stats(String topic) throws Exception {
        for (StatsSnapshot.TopicStats t : result(broker.stats(StatsFilter.ALL)).topics()) {
            if (t.topicName().equals(topic)) {
                return t;
            }
        }
        throw new AssertionError("no topic " + topic);
    }

    private void assertCounts(String topic, long stored, long deduplicated) throws Exception {
        StatsSnapshot.TopicStats t = stats(topic);
        // the channel's depth counts what was stored (message_count also counts a rolled-back write)
        assertThat(t.channels().get(0).depth()).as("stored").isEqualTo(stored);
        assertThat(t.extensions().deduplicatedCount()).as("deduplicated_count").isEqualTo(deduplicated);
    }

    private int windowSize() throws Exception {
        return result(broker.shardFor("t").ask(s -> s.topic("t").dedup.size()));
    }

    @Test
    void aRepeatInsideTheWindowIsStoredOnceAndOutsideItAgain() throws Exception {
        pub("t", "k1");
        pub("t", "k1");
        assertCounts("t", 1, 1);
        clock.advance(WINDOW.minusSeconds(1));
        pub("t", "k1");
        assertCounts("t", 1, 2);
        clock.advance(Duration.ofSeconds(2)); // the first k1 is now older than the window
        pub("t", "k1");
        assertCounts("t", 2, 2);
        // other headers, and messages without headers, are never deduplicated
        pub("t", null);
        pub("t", null);
        result(broker.publish("t", List.of("plain".getBytes(StandardCharsets.UTF_8)), 0));
        result(broker.publish("t", List.of("plain".getBytes(StandardCharsets.UTF_8)), 0));
        assertCounts("t", 6, 2);
    }

    @Test
    void aKeyRepeatedInsideOneMpubIsStoredOnce() throws Exception {
        result(broker.publish("t", List.of(keyed("a", "1"), keyed("b", "2"), keyed("a", "3"), keyed(null, "4")), 0,
                true));
        assertCounts("t", 3, 1);
        result(broker.publish("t", List.of(keyed("a", "5"), keyed("b", "6")), 0, true));
        assertCounts("t", 3, 3);
    }

    @Test
    void aTopicWithoutAWindowStoresEveryRepeat() throws Exception {
        result(broker.createTopic("off"));
        result(broker.createChannel("off", "ch"));
        pub("off", "k");
        pub("off", "k");
        assertCounts("off", 2, 0);
    }

    @Test
    void theScanTickExpiresKeysSoAnIdleTopicHoldsNone() throws Exception {
        for (int i = 0; i < 100; i++) {
            pub("t", "k" + i);
        }
        assertThat(windowSize()).isEqualTo(100);
        clock.advance(WINDOW);
        result(broker.shardFor("t").ask(s -> {
            s.scan();
            return null;
        }));
        assertThat(windowSize()).isZero();
    }

    @Test
    void aDurablePublishThatFailsLeavesNoKeyBehind() throws Exception {
        files.diskFull = true;
        assertThatThrownBy(() -> pub("t", "k")).isInstanceOf(PublishException.class);
        files.spaceReturns();
        pub("t", "k"); // the retry is stored
        assertCounts("t", 1, 0);
        files.failForce = true;
        assertThatThrownBy(() -> pub("t", "f")).isInstanceOf(PublishException.class);
        assertThat(windowSize()).isEqualTo(1);
        files.failForce = false;
        pub("t", "f");
        assertThat(windowSize()).isEqualTo(2);
        pub("t", "f");
        assertThat(stats("t").extensions().deduplicatedCount()).isEqualTo(1);
    }

    @Test
    void aRestartRebuildsTheWindowFromTheLog() throws Exception {
        pub("t", "old");
        clock.advance(WINDOW.minusSeconds(30));
        pub("t", "new");
        List<TopicMetadata> metas = result(broker.metadata());
        result(broker.close());
        clock.advance(Duration.ofSeconds(40)); // "old" is out of the window by now, "new" is not
        broker = newBroker();
        result(broker.restore(metas));
        assertThat(windowSize()).isEqualTo(1);
        pub("t", "new");
        pub("t", "old");
        StatsSnapshot.TopicStats t = stats("t");
        assertThat(t.channels().get(0).depth()).isEqualTo(3); // old, new, and old again
        assertThat(t.extensions().deduplicatedCount()).isEqualTo(1);
    }
}
