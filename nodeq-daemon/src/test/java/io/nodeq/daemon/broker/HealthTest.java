package io.nodeq.daemon.broker;

import io.nodeq.daemon.DaemonOptions;
import io.nodeq.daemon.stats.StatsFilter;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nodeq.daemon.log.FaultyFiles;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.nodeq.daemon.broker.BrokerCalls.firstChannelDepth;
import static io.nodeq.daemon.broker.BrokerCalls.bodies;
import static io.nodeq.daemon.broker.BrokerCalls.result;
import static io.nodeq.daemon.broker.BrokerCalls.startBroker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Health after disk failures (nsq-protocol.md §1.14 "Health"): nsqd's TestChannelHealth,
 * TestHealth and TestSetHealth, with a file layer whose writes fail while the disk is "full":
 * publishes are refused with the reason, the daemon keeps serving what it has, and accepts again
 * once space returns.
 */
class HealthTest {
    @TempDir
    Path dir;
    private Vertx vertx;
    private ShardedBroker broker;
    private final FaultyFiles files = new FaultyFiles();

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        // durable by default here: a publish waits for its write, so a failure reaches it
        DaemonOptions options = DaemonOptions.forTest(dir).memQueueSize(2).shards(1).durability("durable")
                .syncTimeout(java.time.Duration.ofMillis(100)).build();
        broker = startBroker(vertx, options, files);
    }

    @AfterEach
    void stop() throws Exception {
        files.spaceReturns();
        broker.close().await(10, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void aFailedWriteMakesPublishesFailAndHealthNokUntilAWriteSucceeds() throws Exception {
        result(broker.createTopic("t"));
        result(broker.createChannel("t", "ch"));
        assertThat(broker.health()).isEqualTo("OK");
        result(broker.publish("t", bodies(1), 0));
        result(broker.publish("t", bodies(1), 0));
        files.diskFull = true;
        assertThatThrownBy(() -> result(broker.publish("t", bodies(1), 0)))
                .isInstanceOf(PublishException.class).hasMessageContaining(FaultyFiles.ENOSPC);
        assertThat(broker.health()).isEqualTo("NOK - " + FaultyFiles.ENOSPC);
        // the refused message is not queued
        assertThat(firstChannelDepth(broker)).isEqualTo(2);

        files.spaceReturns();
        result(broker.publish("t", bodies(1), 0));
        assertThat(broker.health()).isEqualTo("OK");
        assertThat(firstChannelDepth(broker)).isEqualTo(3);
    }

    /** A durable topic preallocates its log: a fill that fails is no failure, records that do not fit are. */
    @Test
    void aDiskFullWhilePreallocatingRefusesWhatDoesNotFitUntilSpaceReturns() throws Exception {
        result(broker.createTopic("pre"));
        result(broker.createChannel("pre", "ch"));
        files.fullAfterGrowth(0);
        assertThatThrownBy(() -> result(broker.publish("pre", bodies(1), 0)))
                .isInstanceOf(PublishException.class).hasMessageContaining(FaultyFiles.ENOSPC);
        assertThat(broker.health()).isEqualTo("NOK - " + FaultyFiles.ENOSPC);
        assertThat(firstChannelDepth(broker)).isZero();
        files.spaceReturns();
        result(broker.publish("pre", bodies(1), 0));
        assertThat(broker.health()).isEqualTo("OK");
        // the disk is full again, but the next records fit in the zeros the last write filled ahead
        files.fullAfterGrowth(0);
        result(broker.publish("pre", bodies(3), 0));
        assertThat(firstChannelDepth(broker)).isEqualTo(4);
    }

    @Test
    void aTopicWithoutChannelsFailsTheSameForSingleAndMultiPublishes() throws Exception {
        result(broker.createTopic("solo"));
        result(broker.publish("solo", bodies(2), 0));
        files.diskFull = true;
        assertThatThrownBy(() -> result(broker.publish("solo", bodies(3), 0))).isInstanceOf(PublishException.class);
        assertThat(broker.health()).startsWith("NOK - ");
        // all or nothing: none of the three is held
        assertThat(result(broker.stats(StatsFilter.ALL)).topics().get(0).depth()).isEqualTo(2);
        files.spaceReturns();
        result(broker.publish("solo", bodies(1), 0));
        assertThat(broker.health()).isEqualTo("OK");
        assertThat(result(broker.stats(StatsFilter.ALL)).topics().get(0).depth()).isEqualTo(3);
    }

    @Test
    void aMemoryFirstTopicKeepsWhatItAcknowledgedAndRefusesMoreUntilSpaceReturns() throws Exception {
        result(broker.createTopic("mf", Durability.MEMORY_FIRST));
        result(broker.createChannel("mf", "ch"));
        files.diskFull = true;
        // acknowledged once in memory, as nsqd would: the write that fails comes after
        result(broker.publish("mf", bodies(2), 0));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                .until(() -> broker.health().startsWith("NOK - "));
        assertThatThrownBy(() -> result(broker.publish("mf", bodies(1), 0)))
                .isInstanceOf(PublishException.class).hasMessageContaining(FaultyFiles.ENOSPC);
        assertThat(firstChannelDepth(broker)).isEqualTo(2);
        files.spaceReturns();
        // the next sync tick writes the two again; then publishes are accepted
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                .until(() -> broker.health().equals("OK"));
        result(broker.publish("mf", bodies(1), 0));
        assertThat(firstChannelDepth(broker)).isEqualTo(3);
    }

    @Test
    void aTcpPublishThatCannotBeWrittenGetsEPubFailed() throws Exception {
        result(broker.createTopic("tcp"));
        result(broker.publish("tcp", bodies(2), 0));
        files.diskFull = true;
        Shard shard = broker.shardFor("tcp");
        ShardBatch batch = new ShardBatch(this, null);
        batch.publish("MPUB", "tcp", io.nodeq.protocol.Bodies.of(bodies(2)), 0, false, new Object());
        CompletableFuture<ShardBatch> done = new CompletableFuture<>();
        shard.run(() -> batch.execute(shard, done::complete));
        ShardBatch.Op op = done.get(10, TimeUnit.SECONDS).ops().get(0);
        assertThat(op.error).isNotNull();
        assertThat(op.error.toString()).isEqualTo("E_MPUB_FAILED MPUB failed " + FaultyFiles.ENOSPC);
        assertThat(op.error.fatal()).isTrue();
    }
}
