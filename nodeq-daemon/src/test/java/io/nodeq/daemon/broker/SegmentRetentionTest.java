package io.nodeq.daemon.broker;

import io.nodeq.daemon.DaemonExtension;
import io.nodeq.daemon.RawClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.nodeq.daemon.DaemonExtension.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Space (storage.md §2): a topic's log keeps a segment while some channel still needs a message in
 * it, and deletes it once every channel is past it; a topic without channels keeps everything for
 * its first channel.
 */
class SegmentRetentionTest {
    @RegisterExtension
    static final DaemonExtension D = new DaemonExtension(b -> b.maxBytesPerFile(4096).memQueueSize(10)
            .syncTimeout(Duration.ofMillis(100)));

    @Test
    void segmentsGoOnceEveryChannelIsPastThem() throws Exception {
        String topic = unique("retain");
        try (RawClient p = D.client(); RawClient fast = D.client(); RawClient slow = D.client()) {
            assertThat(fast.sub(topic, "fast")).isEqualTo("OK");
            assertThat(slow.sub(topic, "slow")).isEqualTo("OK");
            List<byte[]> bodies = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                bodies.add(("message-" + i + "-" + "x".repeat(60)).getBytes(StandardCharsets.UTF_8));
            }
            assertThat(p.mpub(topic, bodies)).isEqualTo("OK");
            await().atMost(Duration.ofSeconds(5)).until(() -> segments(topic) >= 6);
            int written = segments(topic);

            consumeAll(fast, 300);
            // the slow channel still needs every message: nothing may go
            assertThat(fast.quietFor(500)).isTrue();
            assertThat(segments(topic)).isEqualTo(written);

            consumeAll(slow, 300);
            // both are past every full segment now; the active one always stays
            await().atMost(Duration.ofSeconds(5)).until(() -> segments(topic) == 1);
        }
    }

    @Test
    void aTopicWithoutChannelsKeepsItsSegments() throws Exception {
        String topic = unique("held");
        try (RawClient p = D.client()) {
            List<byte[]> bodies = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                bodies.add(("held-" + i + "-" + "y".repeat(60)).getBytes(StandardCharsets.UTF_8));
            }
            assertThat(p.mpub(topic, bodies)).isEqualTo("OK");
            await().atMost(Duration.ofSeconds(5)).until(() -> segments(topic) >= 4);
            int written = segments(topic);
            assertThat(p.quietFor(500)).isTrue(); // a few sync ticks
            assertThat(segments(topic)).isEqualTo(written);
        }
        try (RawClient c = D.client()) {
            assertThat(c.sub(topic, "first")).isEqualTo("OK");
            consumeAll(c, 200);
        }
    }

    private static void consumeAll(RawClient c, int n) throws Exception {
        c.rdy(100);
        for (int i = 0; i < n; i++) {
            c.fin(c.readMessage().id());
        }
    }

    private static int segments(String topic) throws Exception {
        Path dir = D.dataDir().resolve("topics").resolve(topic).resolve("log");
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return (int) s.filter(f -> f.getFileName().toString().endsWith(".seg")).count();
        }
    }
}
