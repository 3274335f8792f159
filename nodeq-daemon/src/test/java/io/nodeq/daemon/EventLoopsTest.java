package io.nodeq.daemon;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * --event-loops: a daemon process runs as many Vert.x event loops as asked for, one per core less
 * one by default, and serves topics on every shard (two here) from a single loop.
 */
class EventLoopsTest {

    @Test
    void aDaemonRunsTheEventLoopsAskedForAndOnePerCoreLessOneByDefault(@TempDir Path data) throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux /proc");
        try (DaemonProcess d = DaemonProcess.start(data.resolve("three"), "--event-loops=3", "--shards=2")) {
            // one TCP listener instance per loop: every loop has started by the time the port is known
            await().atMost(Duration.ofSeconds(10)).until(() -> eventLoops(d.pid()) == 3);
        }
        int expected = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
        try (DaemonProcess d = DaemonProcess.start(data.resolve("default"))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> eventLoops(d.pid()) == expected);
        }
    }

    @Test
    void oneEventLoopServesTopicsOnEveryShard(@TempDir Path data) throws Exception {
        try (DaemonProcess d = DaemonProcess.start(data, "--event-loops=1", "--shards=2");
             RawClient consumer = new RawClient(d.tcpPort());
             RawClient producer = new RawClient(d.tcpPort())) {
            // topic names that hash to shard 0 and to shard 1 (ShardedBroker: floorMod of the name's hash)
            String[] topics = {topicOnShard(0), topicOnShard(1)};
            for (String topic : topics) {
                try (RawClient c = new RawClient(d.tcpPort())) {
                    assertThat(c.sub(topic, "ch")).isEqualTo("OK");
                    c.rdy(10);
                    assertThat(producer.pub(topic, "to " + topic)).isEqualTo("OK");
                    RawClient.Frame m = c.readMessage();
                    assertThat(m.body()).isEqualTo("to " + topic);
                    c.fin(m.id());
                }
            }
            assertThat(consumer.sub(topics[1], "other")).isEqualTo("OK");
            consumer.rdy(1);
            assertThat(producer.pub(topics[1], "after")).isEqualTo("OK");
            assertThat(consumer.readMessage().body()).isEqualTo("after");
        }
    }

    private static String topicOnShard(int shard) {
        for (int i = 0; ; i++) {
            String name = "t" + i;
            if (Math.floorMod(name.hashCode(), 2) == shard) {
                return name;
            }
        }
    }

    private static int eventLoops(long pid) throws IOException {
        Set<String> loops = new HashSet<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : dir) {
                try {
                    if (Files.readString(task.resolve("comm"), StandardCharsets.US_ASCII).startsWith("vert.x-eventloo")) {
                        loops.add(task.getFileName().toString());
                    }
                } catch (IOException gone) {
                    // a thread that ended meanwhile
                }
            }
        }
        return loops.size();
    }
}
