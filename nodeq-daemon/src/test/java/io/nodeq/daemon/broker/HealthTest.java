package io.nodeq.daemon.broker;

import io.nodeq.daemon.DaemonOptions;
import io.nodeq.daemon.stats.StatsFilter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Health after disk failures (nsq-protocol.md §1.14 "Health"): nsqd's TestChannelHealth,
 * TestHealth and TestSetHealth, with mem-queue-size 2 and a backend that fails on demand.
 */
class HealthTest {
    @TempDir
    Path dir;
    private Vertx vertx;
    private ShardedBroker broker;
    private volatile boolean failing = true;

    /** Writes fail with nsqd's test message while {@code failing}. Runs on the disk lane. */
    final class FailingBackend extends MemoryBackend {
        @Override
        public synchronized void put(List<Message> messages) throws IOException {
            if (failing) {
                throw new IOException("never gonna happen");
            }
            super.put(messages);
        }
    }

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        DaemonOptions options = DaemonOptions.forTest(dir).memQueueSize(2).shards(1).build();
        broker = new ShardedBroker(vertx, options, name -> new FailingBackend(), BrokerListener.NONE);
        broker.start();
    }

    @AfterEach
    void stop() throws Exception {
        failing = false;
        broker.close().await(10, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void aFailedChannelWriteMakesPublishesFailAndHealthNokUntilAWriteSucceeds() throws Exception {
        result(broker.createTopic("t"));
        result(broker.createChannel("t", "ch"));
        assertThat(broker.health()).isEqualTo("OK");
        result(broker.publish("t", bodies(1), 0));
        result(broker.publish("t", bodies(1), 0));
        assertThatThrownBy(() -> result(broker.publish("t", bodies(1), 0)))
                .isInstanceOf(PublishException.class).hasMessageContaining("never gonna happen");
        assertThat(broker.health()).isEqualTo("NOK - never gonna happen");
        // the refused message is not counted as queued
        assertThat(channelDepth()).isEqualTo(2);

        failing = false;
        result(broker.publish("t", bodies(1), 0));
        assertThat(broker.health()).isEqualTo("OK");
        assertThat(channelDepth()).isEqualTo(3);
    }

    @Test
    void aTopicWithoutChannelsFailsTheSameForSingleAndMultiPublishes() throws Exception {
        result(broker.createTopic("solo"));
        assertThatThrownBy(() -> result(broker.publish("solo", bodies(3), 0))).isInstanceOf(PublishException.class);
        assertThat(broker.health()).startsWith("NOK - ");
        // two fitted in memory; the one that could not be written is not counted
        assertThat(result(broker.stats(StatsFilter.ALL)).topics().get(0).depth()).isEqualTo(2);
        failing = false;
        result(broker.publish("solo", bodies(1), 0));
        assertThat(broker.health()).isEqualTo("OK");
    }

    @Test
    void aTcpPublishThatCannotBeWrittenGetsEPubFailed() throws Exception {
        result(broker.createTopic("tcp"));
        result(broker.publish("tcp", bodies(2), 0)); // fills the memory queue
        Shard shard = broker.shardFor("tcp");
        ShardBatch batch = new ShardBatch(this, null);
        batch.publish("MPUB", "tcp", bodies(2), 0, new Object());
        CompletableFuture<ShardBatch> done = new CompletableFuture<>();
        shard.run(() -> batch.execute(shard, done::complete));
        ShardBatch.Op op = done.get(10, TimeUnit.SECONDS).ops().get(0);
        assertThat(op.error).isNotNull();
        assertThat(op.error.toString()).isEqualTo("E_MPUB_FAILED MPUB failed never gonna happen");
        assertThat(op.error.fatal()).isTrue();
    }

    private long channelDepth() throws Exception {
        return result(broker.stats(StatsFilter.ALL)).topics().get(0).channels().get(0).depth();
    }

    private static List<byte[]> bodies(int n) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(("b" + i).getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    private static <T> T result(Future<T> f) throws Exception {
        return f.await(10, TimeUnit.SECONDS);
    }
}
