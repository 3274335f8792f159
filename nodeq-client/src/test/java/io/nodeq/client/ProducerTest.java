package io.nodeq.client;

import io.nodeq.testing.FakeNsqd;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class ProducerTest {
    private Vertx vertx;
    private FakeNsqd nsqd;

    @BeforeEach
    void setUp() throws Exception {
        vertx = Vertx.vertx();
        nsqd = FakeNsqd.start(vertx);
    }

    @AfterEach
    void tearDown() throws Exception {
        nsqd.close();
        vertx.close().await(5, TimeUnit.SECONDS);
    }

    private ProducerOptions.Builder opts() {
        return ProducerOptions.builder(nsqd.tcpAddress())
                .reconnectMinDelay(Duration.ofMillis(20)).reconnectMaxDelay(Duration.ofMillis(200));
    }

    private static List<String> bodies(int n, String prefix) {
        List<String> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(prefix + i);
        }
        return l;
    }

    @Test
    void pipelinedRepliesCompleteInOrder() {
        try (Producer p = Producer.create(opts().build())) {
            List<Integer> completed = Collections.synchronizedList(new ArrayList<>());
            List<CompletableFuture<Void>> fs = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                int n = i;
                fs.add(p.publish("t", "m" + i).thenRun(() -> completed.add(n)));
            }
            CompletableFuture.allOf(fs.toArray(new CompletableFuture[0])).orTimeout(10, TimeUnit.SECONDS).join();
            assertThat(nsqd.published).containsExactlyElementsOf(bodies(2000, "m"));
            assertThat(completed).isSorted().hasSize(2000);
            assertThat(nsqd.commands).doesNotContain("MPUB");
            assertThat(p.stats().published()).isEqualTo(2000);
            assertThat(p.stats().pendingBytes()).isZero();
            assertThat(nsqd.userAgent()).startsWith("nodeq-client/");
        }
    }

    @Test
    void batchingGathersSinglePublishesIntoMpub() {
        try (Producer p = Producer.create(opts().batching(true).batchMaxMessages(50)
                .linger(Duration.ofMillis(20)).build())) {
            await().atMost(Duration.ofSeconds(5)).until(p::isConnected);
            List<CompletableFuture<Void>> fs = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                fs.add(p.publish("t", "b" + i));
            }
            CompletableFuture.allOf(fs.toArray(new CompletableFuture[0])).orTimeout(10, TimeUnit.SECONDS).join();
            assertThat(nsqd.published).containsExactlyElementsOf(bodies(1000, "b"));
            long mpubs = nsqd.commands.stream().filter("MPUB"::equals).count();
            assertThat(mpubs).isBetween(20L, 40L);
        }
    }

    @Test
    void lingerSendsAPartialBatchAndCloseFlushes() {
        Producer p = Producer.create(opts().batching(true).linger(Duration.ofMillis(50)).build());
        CompletableFuture<Void> a = p.publish("t", "x1");
        CompletableFuture<Void> b = p.publish("t", "x2");
        CompletableFuture.allOf(a, b).orTimeout(5, TimeUnit.SECONDS).join();
        assertThat(nsqd.published).containsExactly("x1", "x2");

        // a long linger: only close() sends this batch
        Producer slow = Producer.create(opts().batching(true).linger(Duration.ofSeconds(30)).build());
        List<CompletableFuture<Void>> fs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            fs.add(slow.publish("t2", "late" + i));
        }
        slow.close();
        assertThat(fs).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
        assertThat(nsqd.published).containsAll(bodies(10, "late"));
        p.close();
    }

    @Test
    void multiAndDeferredPublish() {
        try (Producer p = Producer.create(opts().build())) {
            p.publish("t", List.of("a".getBytes(), "b".getBytes(), "c".getBytes())).orTimeout(5, TimeUnit.SECONDS).join();
            p.publishDeferred("t", Duration.ofMillis(10), "d".getBytes()).orTimeout(5, TimeUnit.SECONDS).join();
            assertThat(nsqd.published).containsExactly("a", "b", "c", "d");
            assertThat(nsqd.commands).contains("MPUB", "DPUB");
        }
    }

    @Test
    void fatalErrorFailsItsPublishAndTheOutstandingOnesThenReconnects() {
        nsqd.rejectBody = s -> s.equals("bad");
        try (Producer p = Producer.create(opts().build())) {
            await().atMost(Duration.ofSeconds(5)).until(p::isConnected);
            CompletableFuture<Void> a = p.publish("t", "a");
            CompletableFuture<Void> bad = p.publish("t", "bad");
            CompletableFuture<Void> c = p.publish("t", "c");
            assertThat(a.orTimeout(5, TimeUnit.SECONDS).join()).isNull();
            assertThatThrownBy(bad::join).hasCauseInstanceOf(NsqErrorException.class)
                    .cause().extracting(e -> ((NsqErrorException) e).code()).isEqualTo("E_BAD_MESSAGE");
            // c was written in the same burst, so it was outstanding when the daemon closed
            assertThatThrownBy(() -> c.orTimeout(5, TimeUnit.SECONDS).join()).isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(ConnectionLostException.class);
            p.publish("t", "after").orTimeout(5, TimeUnit.SECONDS).join();
            assertThat(nsqd.connections()).isEqualTo(2);
            assertThat(p.stats().failed()).isEqualTo(2);
        }
    }

    @Test
    void fullBufferFailsFastWithAClearException() throws Exception {
        int port = nsqd.tcpPort();
        nsqd.close();
        try (Producer p = Producer.create(ProducerOptions.builder(new NsqAddress("127.0.0.1", port))
                .maxMessageSize(1000).maxPendingBytes(2000).closeTimeout(Duration.ofMillis(100)).build())) {
            List<CompletableFuture<Void>> ok = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                ok.add(p.publish("t", new byte[100]));
            }
            CompletableFuture<Void> full = p.publish("t", new byte[100]);
            assertThat(full).isCompletedExceptionally();
            assertThatThrownBy(full::join).hasCauseInstanceOf(BufferFullException.class);
            assertThat(ok).noneMatch(CompletableFuture::isDone);
            assertThat(p.stats().pendingBytes()).isEqualTo(12 * 164);
        }
    }

    @Test
    void blockPolicyWaitsThenQueuedMessagesGoOutOnceTheDaemonIsBack() throws Exception {
        int port = nsqd.tcpPort();
        nsqd.close();
        try (Producer p = Producer.create(ProducerOptions.builder(new NsqAddress("127.0.0.1", port))
                .reconnectMinDelay(Duration.ofMillis(20)).reconnectMaxDelay(Duration.ofMillis(100))
                .maxMessageSize(1000).maxPendingBytes(1100)
                .overflowPolicy(ProducerOptions.OverflowPolicy.BLOCK).maxBlock(Duration.ofMillis(200)).build())) {
            CompletableFuture<Void> first = p.publish("t", new byte[1000]);
            long t0 = System.nanoTime();
            CompletableFuture<Void> second = p.publish("t", new byte[1000]);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isGreaterThanOrEqualTo(180);
            assertThatThrownBy(second::join).hasCauseInstanceOf(BufferFullException.class);
            nsqd = FakeNsqd.start(vertx, port);
            first.orTimeout(5, TimeUnit.SECONDS).join();
            assertThat(nsqd.published).hasSize(1);
        }
    }

    @Test
    void reconnectsAfterDaemonRestartAndSendsWhatWasQueued() throws Exception {
        try (Producer p = Producer.create(opts().batching(true).build())) {
            p.publish("t", "before").orTimeout(5, TimeUnit.SECONDS).join();
            int port = nsqd.tcpPort();
            nsqd.close();
            await().atMost(Duration.ofSeconds(5)).until(() -> !p.isConnected());
            List<CompletableFuture<Void>> queued = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                queued.add(p.publish("t", "q" + i));
            }
            nsqd = FakeNsqd.start(vertx, port);
            CompletableFuture.allOf(queued.toArray(new CompletableFuture[0])).orTimeout(10, TimeUnit.SECONDS).join();
            assertThat(nsqd.published).containsExactlyElementsOf(bodies(100, "q"));
        }
    }

    @Test
    void answersHeartbeatsWithNop() {
        nsqd.heartbeatEvery(50);
        try (Producer p = Producer.create(opts().build())) {
            await().atMost(Duration.ofSeconds(5)).until(() -> nsqd.nops() >= 3);
            assertThat(p.isConnected()).isTrue();
        }
    }

    @Test
    void rejectsProgrammingMistakesAtOnce() {
        try (Producer p = Producer.create(opts().build())) {
            assertThatThrownBy(() -> p.publish("bad topic", "x")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> p.publish("t", new byte[0])).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> p.publishDeferred("t", Duration.ofHours(2), "x".getBytes()))
                    .isInstanceOf(IllegalArgumentException.class);
            p.close();
            assertThat(p.publish("t", "x")).isCompletedExceptionally();
        }
        assertThatThrownBy(() -> opts().batchMaxMessages(0).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ConnectionOptions.builder().snappy(true).deflate(true).build())
                .hasMessageContaining("snappy and deflate");
        assertThatThrownBy(() -> ConnectionOptions.builder().tlsRootCaFile("ca.pem").build())
                .hasMessageContaining("without tls(true)");
    }

    @Test
    void aSmallPipelineLimitStillDeliversEverythingAndGathersBatchesWhileWaiting() {
        try (Producer single = Producer.create(opts().maxInFlightCommands(1).build());
             Producer batched = Producer.create(opts().maxInFlightCommands(1).batching(true).build())) {
            List<CompletableFuture<Void>> fs = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                fs.add(single.publish("t", "s" + i));
                fs.add(batched.publish("t2", "b" + i));
            }
            CompletableFuture.allOf(fs.toArray(new CompletableFuture[0])).orTimeout(10, TimeUnit.SECONDS).join();
            assertThat(nsqd.published.stream().filter(x -> x.startsWith("s"))).containsExactlyElementsOf(bodies(300, "s"));
            assertThat(nsqd.published.stream().filter(x -> x.startsWith("b"))).containsExactlyElementsOf(bodies(300, "b"));
            // while one MPUB waits for its OK the next one fills up, so far fewer than 300 commands
            assertThat(nsqd.commands.stream().filter("MPUB"::equals).count()).isLessThan(100);
        }
    }
}
