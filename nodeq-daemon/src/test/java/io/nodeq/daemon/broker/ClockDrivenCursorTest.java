package io.nodeq.daemon.broker;

import io.nodeq.daemon.DaemonOptions;
import io.nodeq.daemon.log.FaultyFiles;
import io.nodeq.daemon.stats.StatsFilter;
import io.nodeq.daemon.stats.StatsSnapshot;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Timeouts, DPUB deferrals and REQ delays driven by an injected {@link BrokerClock}: nothing here
 * waits for wall-clock time. The shard's periodic scan is far apart; the test runs it itself after
 * moving the clock, so "not yet" and "now" are both checked exactly. Also: a timeout counts toward
 * max attempts like a REQ, and a dead letter whose publish failed is tried again after its backoff.
 */
class ClockDrivenCursorTest {
    @TempDir
    Path dir;
    private final Vertx vertx = Vertx.vertx();
    private final ManualClock clock = new ManualClock();
    private final FaultyFiles files = new FaultyFiles();
    private ShardedBroker broker;
    private Shard shard;
    private final LinkedBlockingQueue<Delivered> delivered = new LinkedBlockingQueue<>();
    private Consumer consumer;

    record Delivered(long id, int attempts, String body) {
    }

    @BeforeEach
    void start() throws Exception {
        DaemonOptions options = DaemonOptions.forTest(dir).shards(1).msgTimeout(Duration.ofSeconds(60))
                .queueScanInterval(Duration.ofHours(1)).build();
        broker = new ShardedBroker(vertx, options, BrokerStorage.of(options, files), BrokerListener.NONE,
                clock);
        broker.start();
        shard = broker.shardFor("t");
        broker.createTopic("t").await(5, TimeUnit.SECONDS);
        broker.createChannel("t", "ch").await(5, TimeUnit.SECONDS);
        ConsumerLink link = new ConsumerLink() {
            @Override
            public void deliver(Buffer frames) {
                int pos = 0;
                while (pos < frames.length()) {
                    int size = frames.getInt(pos);
                    int attempts = frames.getUnsignedShort(pos + 16);
                    String id = frames.getString(pos + 18, pos + 34, "US-ASCII");
                    String body = frames.getString(pos + 34, pos + 4 + size, "UTF-8");
                    delivered.add(new Delivered(Long.parseUnsignedLong(id, 16), attempts, body));
                    pos += 4 + size;
                }
                ((BufferInternal) frames).unwrap().release();
            }

            @Override
            public void close(String reason) {
            }
        };
        consumer = new Consumer(link, new ClientInfo("c", "h", "test", "127.0.0.1:1", 0, 0, 60_000, false, false, false));
        ShardBatch sub = new ShardBatch(this, consumer);
        sub.sub("t", "ch", consumer, new Object());
        sub.rdy(1);
        execute(sub);
    }

    @AfterEach
    void stop() throws Exception {
        broker.close().await(10, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void anUnfinishedMessageTimesOutWhenTheClockPassesItsDeadlineAndNotBefore() throws Exception {
        publish(0, "a");
        Delivered first = next();
        assertThat(first.attempts()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(59));
        scan();
        assertThat(channel().inFlightCount()).isEqualTo(1);
        assertThat(channel().timeoutCount()).isZero();
        clock.advance(Duration.ofSeconds(2));
        scan();
        Delivered again = next();
        assertThat(again.id()).isEqualTo(first.id());
        assertThat(again.attempts()).isEqualTo(2);
        assertThat(channel().timeoutCount()).isEqualTo(1);
    }

    @Test
    void aDeferredPublishComesDueAtItsTime() throws Exception {
        publish(30_000, "later");
        scan();
        assertThat(channel().deferredCount()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(29));
        scan();
        assertThat(delivered).isEmpty();
        clock.advance(Duration.ofSeconds(2));
        scan();
        Delivered m = next();
        assertThat(m.body()).isEqualTo("later");
        assertThat(m.attempts()).isEqualTo(1);
        assertThat(channel().deferredCount()).isZero();
    }

    @Test
    void aRequeueWithADelayIsDeliveredAgainOnlyOnceTheDelayHasPassed() throws Exception {
        publish(0, "retry");
        Delivered first = next();
        ShardBatch req = new ShardBatch(this, consumer);
        req.req(first.id(), Long.toHexString(first.id()), 10_000, new Object());
        execute(req);
        assertThat(channel().deferredCount()).isEqualTo(1);
        clock.advance(Duration.ofMillis(9_999));
        scan();
        assertThat(delivered).isEmpty();
        clock.advance(Duration.ofMillis(2));
        scan();
        Delivered again = next();
        assertThat(again.id()).isEqualTo(first.id());
        assertThat(again.attempts()).isEqualTo(2);
        assertThat(channel().requeueCount()).isEqualTo(1);
    }

    @Test
    void aTimeoutPastMaxAttemptsDeadLettersTheMessageInsteadOfRequeueingIt() throws Exception {
        deadLetterAfterTwoAttempts();
        publish(0, "slow");
        assertThat(next().attempts()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(61));
        scan();
        assertThat(next().attempts()).isEqualTo(2);
        clock.advance(Duration.ofSeconds(61));
        scan();
        awaitDeadLettered(1);
        assertThat(delivered).isEmpty();
        assertThat(channel().timeoutCount()).isEqualTo(2);
        assertThat(channel().inFlightCount() + channel().depth() + channel().deferredCount()).isZero();
        assertThat(topic("t.dead").depth()).isEqualTo(1);
    }

    @Test
    void aFailedDeadLetterPublishKeepsTheMessageAndTriesAgainAfterItsBackoff() throws Exception {
        deadLetterAfterTwoAttempts();
        publish(0, "kept");
        Delivered first = next();
        requeue(first);
        Delivered second = next();
        files.diskFull = true; // the durable dead-letter topic cannot write
        requeue(second);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(channel().deferredCount()).isEqualTo(1));
        assertThat(channel().extensions().deadLetteredCount()).isZero();
        files.spaceReturns();
        clock.advance(Duration.ofMillis(999));
        scan();
        assertThat(channel().deferredCount()).isEqualTo(1);
        clock.advance(Duration.ofMillis(2));
        scan();
        awaitDeadLettered(1);
        assertThat(delivered).as("tried again as a dead letter, not delivered").isEmpty();
        assertThat(channel().deferredCount()).isZero();
        assertThat(topic("t.dead").depth()).isEqualTo(1);
    }

    private void deadLetterAfterTwoAttempts() throws Exception {
        broker.createTopic("t.dead", Durability.DURABLE).await(5, TimeUnit.SECONDS);
        broker.configureChannel("t", "ch", new ChannelSettings.Update(2, "t.dead")).await(5, TimeUnit.SECONDS);
    }

    private void requeue(Delivered d) throws Exception {
        ShardBatch req = new ShardBatch(this, consumer);
        req.req(d.id(), Long.toHexString(d.id()), 0, new Object());
        execute(req);
    }

    private void awaitDeadLettered(long n) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(channel().extensions().deadLetteredCount()).isEqualTo(n));
    }

    private StatsSnapshot.TopicStats topic(String name) throws Exception {
        return broker.stats(StatsFilter.ALL).await(5, TimeUnit.SECONDS).topics().stream()
                .filter(t -> t.topicName().equals(name)).findFirst().orElseThrow();
    }

    private void publish(long deferMs, String body) throws Exception {
        broker.publish("t", List.of(body.getBytes(StandardCharsets.UTF_8)), deferMs).await(5, TimeUnit.SECONDS);
    }

    /** Runs the timeout/deferral scan as a shard task (with its afterTask: deliveries) and waits for it. */
    private void scan() throws Exception {
        shard.ask(s -> {
            s.scan();
            return null;
        }).await(5, TimeUnit.SECONDS);
    }

    private void execute(ShardBatch batch) throws Exception {
        CompletableFuture<ShardBatch> done = new CompletableFuture<>();
        shard.run(() -> batch.execute(shard, done::complete));
        done.get(5, TimeUnit.SECONDS);
    }

    private Delivered next() throws InterruptedException {
        Delivered d = delivered.poll(5, TimeUnit.SECONDS);
        assertThat(d).as("a delivery").isNotNull();
        return d;
    }

    private StatsSnapshot.ChannelStats channel() throws Exception {
        return topic("t").channels().get(0);
    }
}
