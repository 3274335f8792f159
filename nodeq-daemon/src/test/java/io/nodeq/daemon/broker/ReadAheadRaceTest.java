package io.nodeq.daemon.broker;

import io.nodeq.daemon.DaemonOptions;
import io.nodeq.daemon.stats.StatsFilter;
import io.nodeq.daemon.stats.StatsSnapshot;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Channel empty and delete while a disk read-ahead is still on the disk lane (nsq-protocol.md
 * §1.14: empty drops queued messages for good). The backend's reads are held at a gate so the
 * interleaving is certain instead of lucky.
 */
class ReadAheadRaceTest {
    @TempDir
    Path dir;
    private Vertx vertx;
    private ShardedBroker broker;
    private final Map<String, GatedBackend> backends = new ConcurrentHashMap<>();
    private final AtomicInteger delivered = new AtomicInteger();
    private boolean brokerClosed;

    /** An in-memory backend whose reads wait while a gate is set. Runs on the disk lane. */
    static final class GatedBackend extends MemoryBackend {
        volatile CountDownLatch gate;
        final CountDownLatch readWaiting = new CountDownLatch(1);

        @Override
        public List<Message> read(int max) throws IOException {
            CountDownLatch g = gate;
            if (g != null) {
                readWaiting.countDown();
                try {
                    if (!g.await(10, TimeUnit.SECONDS)) {
                        throw new IOException("gate never opened");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
            return super.read(max);
        }
    }

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        DaemonOptions options = DaemonOptions.forTest(dir).memQueueSize(100).shards(1).build();
        broker = new ShardedBroker(vertx, options, name -> backends.computeIfAbsent(name, n -> new GatedBackend()),
                BrokerListener.NONE);
        broker.start();
    }

    @AfterEach
    void stop() throws Exception {
        backends.values().forEach(b -> {
            if (b.gate != null) {
                b.gate.countDown();
            }
        });
        if (!brokerClosed) {
            broker.close().await(10, TimeUnit.SECONDS);
        }
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void emptyDuringARead() throws Exception {
        GatedBackend backend = readAheadHeldAtTheGate();
        assertThat(result(broker.emptyChannel("t", "ch"))).isEqualTo(Broker.Result.OK);
        backend.gate.countDown();
        // the read returned 200 messages the empty had already dropped: they must stay dropped
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> depth() == 0);
        assertThat(delivered.get()).isEqualTo(100);
    }

    @Test
    void deleteDuringARead() throws Exception {
        GatedBackend backend = readAheadHeldAtTheGate();
        assertThat(result(broker.deleteChannel("t", "ch"))).isEqualTo(Broker.Result.OK);
        backend.gate.countDown();
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> delivered.get() == 100);
        assertThat(result(broker.createChannel("t", "ch"))).isEqualTo(Broker.Result.OK);
        assertThat(depth()).isZero();
    }

    @Test
    void shutdownDuringAReadSavesWhatTheReadTook() throws Exception {
        GatedBackend backend = readAheadHeldAtTheGate();
        Future<Void> closing = broker.close(); // its save is queued on the lane behind the held read
        brokerClosed = true;
        backend.gate.countDown();
        closing.await(10, TimeUnit.SECONDS);
        // 100 in flight and the 200 the read took off the backend: all saved for the next start
        assertThat(backend.depth()).isEqualTo(300);
    }

    /**
     * 300 messages on a channel with a 100-message memory queue; a consumer with RDY 100 takes
     * the memory part, which makes the channel read the other 200 back from its backend, and that
     * read is held at the gate.
     */
    private GatedBackend readAheadHeldAtTheGate() throws Exception {
        result(broker.createTopic("t"));
        assertThat(result(broker.createChannel("t", "ch"))).isEqualTo(Broker.Result.OK);
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            bodies.add(("m" + i).getBytes(StandardCharsets.UTF_8));
        }
        result(broker.publish("t", bodies, 0));
        GatedBackend backend = backends.get("t:ch");
        assertThat(backend.depth()).isEqualTo(200);
        backend.gate = new CountDownLatch(1);

        Consumer consumer = new Consumer(new ConsumerLink() {
            @Override
            public void deliver(Buffer frames) {
                for (int pos = 0; pos < frames.length(); pos += 4 + frames.getInt(pos)) {
                    delivered.incrementAndGet();
                }
            }

            @Override
            public void close(String reason) {
            }
        }, new ClientInfo("c", "h", "", "127.0.0.1:1", 0, 0, 60_000, false, false, false));
        ShardBatch sub = new ShardBatch(this, consumer);
        sub.sub("t", "ch", consumer, null);
        sub.rdy(100);
        Shard shard = broker.shardFor("t");
        shard.run(() -> sub.execute(shard, done -> { }));
        await().atMost(Duration.ofSeconds(5)).until(() -> delivered.get() == 100);
        assertThat(backend.readWaiting.await(5, TimeUnit.SECONDS)).isTrue();
        return backend;
    }

    private long depth() throws Exception {
        StatsSnapshot s = result(broker.stats(new StatsFilter("t", "ch", false)));
        return s.topics().get(0).channels().get(0).depth();
    }

    private static <T> T result(Future<T> f) throws Exception {
        return f.await(10, TimeUnit.SECONDS);
    }
}
