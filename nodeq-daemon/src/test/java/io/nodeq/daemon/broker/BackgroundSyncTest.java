package io.nodeq.daemon.broker;

import io.nodeq.daemon.DaemonOptions;
import io.nodeq.daemon.log.FaultyFiles;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.nodeq.daemon.broker.BrokerCalls.bodies;
import static io.nodeq.daemon.broker.BrokerCalls.firstChannelDepth;
import static io.nodeq.daemon.broker.BrokerCalls.result;
import static io.nodeq.daemon.broker.BrokerCalls.startBroker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A memory-first topic's --sync-every fsync runs on the disk lane's sync thread: while it takes its
 * time the lane goes on writing, so publishers are never held for it, even past the unwritten
 * limit; a durable topic still answers only after its own fsync; a failed background fsync makes
 * the next sync a synchronous one, whose error the publishers and the health see.
 */
class BackgroundSyncTest {
    @TempDir
    Path dir;
    private Vertx vertx;
    private ShardedBroker broker;
    private final FaultyFiles files = new FaultyFiles();

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        DaemonOptions options = DaemonOptions.forTest(dir).memQueueSize(6_000).shards(1)
                .durability("memory-first").syncEvery(1).syncTimeout(Duration.ofMillis(200)).build();
        broker = startBroker(vertx, options, files);
    }

    @AfterEach
    void stop() throws Exception {
        files.failForce = false;
        CountDownLatch gate = files.forceGate;
        if (gate != null) {
            gate.countDown();
        }
        broker.close().await(10, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void aSlowFsyncHoldsNoMemoryFirstPublisherEvenPastTheUnwrittenLimit() throws Exception {
        result(broker.createTopic("mf", Durability.MEMORY_FIRST));
        result(broker.createChannel("mf", "ch"));
        files.forceGate = new CountDownLatch(1);
        result(broker.publish("mf", bodies(1), 0));
        // --sync-every=1: the record's fsync starts on the sync thread and does not return
        await().atMost(Duration.ofSeconds(10)).until(() -> files.forceCalls.get() > 0);

        for (int i = 0; i < 10; i++) {
            result(broker.publish("mf", bodies(1_000), 0)); // 10,001 in all: the limit is 6,000 unwritten
        }
        assertThat(firstChannelDepth(broker)).isEqualTo(10_001);
        int forcesWhileHeld = files.forceCalls.get();

        files.forceGate.countDown();
        // the next sync finds what was written meanwhile still to be fsynced
        result(broker.publish("mf", bodies(1), 0));
        await().atMost(Duration.ofSeconds(10)).until(() -> files.forceCalls.get() > forcesWhileHeld);
    }

    @Test
    void aDurablePublishStillWaitsForItsOwnFsync() throws Exception {
        result(broker.createTopic("mf", Durability.MEMORY_FIRST));
        result(broker.createTopic("d", Durability.DURABLE));
        files.forceGate = new CountDownLatch(1);
        result(broker.publish("mf", bodies(1), 0));
        await().atMost(Duration.ofSeconds(10)).until(() -> files.forceCalls.get() > 0);

        Future<Void> durable = broker.publish("d", bodies(1), 0);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !durable.isComplete());
        files.forceGate.countDown();
        result(durable);
    }

    @Test
    void aFailedBackgroundFsyncMakesTheNextSyncFailItsPublishesUntilTheDiskRecovers() throws Exception {
        result(broker.createTopic("mf", Durability.MEMORY_FIRST));
        result(broker.createChannel("mf", "ch"));
        files.failForce = true;
        result(broker.publish("mf", bodies(1), 0)); // answered from memory; its fsync fails behind it
        await().atMost(Duration.ofSeconds(10)).until(() -> files.forceCalls.get() > 0);
        // the next sync runs on the lane: its error reaches the publisher and the health
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            try {
                result(broker.publish("mf", bodies(1), 0));
                return false;
            } catch (PublishException e) {
                return e.getMessage().contains("Input/output error");

            }
        });
        assertThat(broker.health()).startsWith("NOK - ");

        files.failForce = false; // the next sync tick writes what failed again
        await().atMost(Duration.ofSeconds(10)).until(() -> broker.health().equals("OK"));
        result(broker.publish("mf", bodies(1), 0));
    }
}
