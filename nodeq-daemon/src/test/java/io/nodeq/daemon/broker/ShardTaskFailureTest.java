package io.nodeq.daemon.broker;

import io.nodeq.daemon.DaemonOptions;
import io.nodeq.daemon.log.DelegatingFiles;
import io.nodeq.daemon.log.FileLayer;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A task that throws on a shard is contained (style §10) and still answers whoever waits on it;
 * disk-lane completions are shard tasks like any other (catch, closed check, afterTask).
 */
class ShardTaskFailureTest {
    @TempDir
    Path dir;
    private final Vertx vertx = Vertx.vertx();
    private ShardedBroker broker;

    @AfterEach
    void stop() throws Exception {
        if (broker != null) {
            broker.close().await(10, TimeUnit.SECONDS);
        }
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    /** Scans and syncs far apart, so that no periodic task runs afterTask for the test. */
    private ShardedBroker start(BrokerListener listener) {
        DaemonOptions options = DaemonOptions.forTest(dir).shards(1).queueScanInterval(Duration.ofHours(1))
                .syncTimeout(Duration.ofHours(1)).build();
        broker = new ShardedBroker(vertx, options, BrokerStorage.of(options, FileLayer.DEFAULT), listener);
        broker.start();
        return broker;
    }

    @Test
    void aPublishWhoseShardTaskThrowsFailsInsteadOfHanging() throws Exception {
        start(new ThrowingListener());
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        broker.publish("t", List.of(new byte[] {1}), 0).onComplete(ar -> outcome.complete(ar.cause()));
        assertThat(outcome.get(5, TimeUnit.SECONDS)).isInstanceOf(IllegalStateException.class)
                .hasMessage("listener broke");
        // the shard goes on
        broker.createTopic("u").await(5, TimeUnit.SECONDS);
        assertThat(broker.publish("u", List.of(new byte[] {2}), 0).await(5, TimeUnit.SECONDS)).isNull();
    }

    @Test
    void aDiskLaneCompletionThatThrowsIsCaughtAndFollowedByAfterTask() throws Exception {
        Shard shard = start(BrokerListener.NONE).shardFor("t");
        CompletableFuture<Boolean> waiterAnswered = new CompletableFuture<>();
        shard.lane.submit(() -> 1, (r, e) -> {
            shard.onDurable(err -> waiterAnswered.complete(err == null));
            throw new IllegalStateException("completion broke");
        });
        // afterTask answers the waiters of a task that appended nothing
        assertThat(waiterAnswered.get(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aDiskLaneCompletionArrivingAfterCloseIsDropped() throws Exception {
        Shard shard = start(BrokerListener.NONE).shardFor("t");
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean completionRan = new AtomicBoolean();
        shard.lane.submit(() -> release.await(10, TimeUnit.SECONDS), (r, e) -> completionRan.set(true));
        closeThenRelease(shard, release);
        assertThat(shard.isClosed()).isTrue();
        assertThat(completionRan).isFalse();
    }

    @Test
    void aPublisherWaitingOnAWriteWhenTheShardClosesIsAnswered() throws Exception {
        DaemonOptions options = DaemonOptions.forTest(dir).shards(1).build();
        CountDownLatch release = new CountDownLatch(1);
        // the first write of a topic creates its log directory: hold the lane there
        FileLayer held = new DelegatingFiles(FileLayer.DEFAULT) {
            @Override
            public void createDirectories(Path d) throws java.io.IOException {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new java.io.InterruptedIOException();
                }
                super.createDirectories(d);
            }
        };
        broker = new ShardedBroker(vertx, options, BrokerStorage.of(options, held), BrokerListener.NONE);
        broker.start();
        broker.createTopic("t", Durability.DURABLE).await(5, TimeUnit.SECONDS);
        CompletableFuture<Throwable> published = new CompletableFuture<>();
        broker.publish("t", List.of(new byte[] {1}), 0).onComplete(ar -> published.complete(ar.cause()));
        Shard shard = broker.shardFor("t");
        closeThenRelease(shard, release);
        assertThat(published.get(5, TimeUnit.SECONDS)).isNull();
    }

    /** Closes the broker, lets the lane go on once the shard is closed, and waits for the close. */
    private void closeThenRelease(Shard shard, CountDownLatch release) throws Exception {
        var closed = broker.close();
        broker = null;
        // close's own task is on the shard's context first: once this marker ran, the shard is closed
        CountDownLatch marker = new CountDownLatch(1);
        shard.ctx.runOnContext(v -> marker.countDown());
        assertThat(marker.await(5, TimeUnit.SECONDS)).isTrue();
        release.countDown();
        closed.await(10, TimeUnit.SECONDS);
    }

    /** Breaks the shard task that creates a topic. */
    private static final class ThrowingListener implements BrokerListener {
        public void topicCreated(String topic) {
            if (topic.equals("t")) {
                throw new IllegalStateException("listener broke");
            }
        }

        public void topicDeleted(String topic) {
        }

        public void channelCreated(String topic, String channel) {
        }

        public void channelDeleted(String topic, String channel) {
        }

        public void metadataChanged() {
        }
    }

}
