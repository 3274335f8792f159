package io.nodeq.daemon.broker;

import io.nodeq.daemon.DaemonOptions;
import io.nodeq.daemon.log.FaultyFiles;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.nodeq.daemon.broker.BrokerCalls.firstChannelDepth;
import static io.nodeq.daemon.broker.BrokerCalls.bodies;
import static io.nodeq.daemon.broker.BrokerCalls.result;
import static io.nodeq.daemon.broker.BrokerCalls.startBroker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A memory-first topic's publishers are answered from memory while its disk lane is busy (here: a
 * write that does not return), until more records than the topic's --mem-queue-size (within
 * [4,096, 16,384]) wait unwritten; then the next publish waits for the lane.
 */
class UnwrittenLimitTest {
    @TempDir
    Path dir;
    private Vertx vertx;
    private ShardedBroker broker;
    private final FaultyFiles files = new FaultyFiles();

    @AfterEach
    void stop() throws Exception {
        CountDownLatch gate = files.writeGate;
        if (gate != null) {
            gate.countDown();
        }
        if (broker != null) {
            broker.close().await(10, TimeUnit.SECONDS);
        }
        if (vertx != null) {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theLimitIsTheMemQueueSizeWithinFloorAndCeiling() {
        assertThat(Shard.unwrittenLimit(0)).isEqualTo(4_096);
        assertThat(Shard.unwrittenLimit(100)).isEqualTo(4_096);
        assertThat(Shard.unwrittenLimit(10_000)).isEqualTo(10_000);
        assertThat(Shard.unwrittenLimit(1_000_000)).isEqualTo(16_384);
    }

    @Test
    void publishersAreAnsweredDuringAStalledWriteUntilTheLimitThenWaitForTheLane() throws Exception {
        start(6_000);
        stallTheLaneAfterOneRecord("t");
        for (int i = 0; i < 10; i++) {
            result(broker.publish("t", bodies(500), 0)); // 5,001 unwritten: within the limit
        }
        waitsForTheLane(broker.publish("t", bodies(1_500), 0), 6_501); // 6,501 > 6,000
    }

    @Test
    void aSmallMemQueueStillLetsTheFloorWaitUnwritten() throws Exception {
        start(100);
        stallTheLaneAfterOneRecord("small");
        // the record in the stalled write counts until the write returned: 4,096 wait, exactly the floor
        result(broker.publish("small", bodies(4_095), 0));
        waitsForTheLane(broker.publish("small", bodies(1), 0), 4_097);
    }

    /** Creates {@code topic} with a channel, publishes one record and waits until the lane sits in its write. */
    private void stallTheLaneAfterOneRecord(String topic) throws Exception {
        result(broker.createTopic(topic, Durability.MEMORY_FIRST));
        result(broker.createChannel(topic, "ch"));
        int writes = files.writeCalls.get();
        files.writeGate = new CountDownLatch(1);
        result(broker.publish(topic, bodies(1), 0));
        await().atMost(Duration.ofSeconds(10)).until(() -> files.writeCalls.get() > writes);
    }

    /** {@code over} stays unanswered while the write is stalled, and is answered once it returns. */
    private void waitsForTheLane(Future<Void> over, long depthAfter) throws Exception {
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !over.isComplete());
        files.writeGate.countDown();
        result(over);
        assertThat(firstChannelDepth(broker)).isEqualTo(depthAfter);
    }

    private void start(long memQueueSize) {
        vertx = Vertx.vertx();
        DaemonOptions options = DaemonOptions.forTest(dir).memQueueSize(memQueueSize).shards(1)
                .durability("memory-first").syncTimeout(Duration.ofSeconds(60)).build();
        broker = startBroker(vertx, options, files);
    }
}
