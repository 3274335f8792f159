package io.nodeq.examples.client;

import io.nodeq.client.Consumer;
import io.nodeq.client.ConsumerOptions;
import io.nodeq.client.Producer;
import io.nodeq.client.ProducerOptions;
import io.nodeq.daemon.Daemon;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A daemon restarted under a running producer and consumer: both reconnect, no acknowledged message is lost. */
class DaemonRestartTest extends RealDaemonTestBase {

    @Test
    void producerAndConsumerSurviveARestartWithoutLosingAcknowledgedMessages() throws Exception {
        Path dir = tmp.resolve("restarting");
        Daemon d = daemons.start(dir, "127.0.0.1:0");
        int port = d.tcpPort();
        int total = 6000;
        Set<Integer> acked = ConcurrentHashMap.newKeySet();
        Set<Integer> consumed = ConcurrentHashMap.newKeySet();
        Consumer c = Consumer.create(ConsumerOptions.builder("restart", "c",
                        m -> consumed.add(Integer.parseInt(m.bodyAsString())))
                .daemon("127.0.0.1:" + port).maxInFlight(50).concurrency(2)
                .reconnectMinDelay(Duration.ofMillis(50)).reconnectMaxDelay(Duration.ofMillis(300)).build());
        try (Producer p = Producer.create(ProducerOptions.builder("127.0.0.1:" + port).batching(true)
                .linger(Duration.ofMillis(1)).reconnectMinDelay(Duration.ofMillis(50))
                .reconnectMaxDelay(Duration.ofMillis(300)).build())) {
            boolean restarted = false;
            List<Integer> todo = new ArrayList<>();
            for (int i = 0; i < total; i++) {
                todo.add(i);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            // publish in blocks of 200; republish whatever failed (the outcome of a lost connection is unknown)
            while (!todo.isEmpty() && System.nanoTime() < deadline) {
                List<Integer> block = new ArrayList<>(todo.subList(0, Math.min(200, todo.size())));
                List<CompletableFuture<Void>> fs = new ArrayList<>();
                for (int i : block) {
                    fs.add(p.publish("restart", Integer.toString(i)).thenRun(() -> acked.add(i)));
                }
                CompletableFuture.allOf(fs.toArray(new CompletableFuture[0])).handle((v, e) -> null)
                        .get(30, TimeUnit.SECONDS);
                todo.removeIf(acked::contains);
                if (!restarted && acked.size() >= total / 3) {
                    await().atMost(Duration.ofSeconds(20)).until(() -> consumed.size() > 100);
                    daemons.stop(d);
                    d = daemons.start(dir, "127.0.0.1:" + port);
                    restarted = true;
                }
            }
            assertThat(restarted).isTrue();
            assertThat(acked).hasSize(total);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> consumed.containsAll(acked));
        assertThat(c.stats().connections()).isEqualTo(1);
        c.stop();
    }
}
