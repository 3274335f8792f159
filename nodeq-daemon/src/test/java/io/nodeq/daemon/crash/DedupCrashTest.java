package io.nodeq.daemon.crash;

import io.nodeq.daemon.DaemonProcess;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A durable topic's dedup window survives {@code kill -9} (PROTOCOL-EXTENSIONS.md, idempotent
 * publish): a {@code Nodeq-Msg-Id} published over HTTP before the kill is still a repeat after the
 * restart, read back from the log; /stats and /metrics count the repeats.
 */
class DedupCrashTest {
    @TempDir
    Path dir;

    @Test
    void aRepeatAfterAKillOfADurableTopicIsStillStoredOnce() throws Exception {
        try (DaemonProcess d = DaemonProcess.start(dir)) {
            DaemonHttp.createTopicWith(d.httpPort(), "orders", "&durability=durable&dedup_window=10m");
            DaemonHttp.createChannel(d.httpPort(), "orders", "ship");
            assertThat(DaemonHttp.pub(d.httpPort(), "orders", "first", "Nodeq-Msg-Id", "order-1")).isEqualTo("OK");
            assertThat(DaemonHttp.pub(d.httpPort(), "orders", "again", "Nodeq-Msg-Id", "order-1")).isEqualTo("OK");
            assertThat(DaemonHttp.topicStats(d.httpPort(), "orders").getLong("deduplicated_count")).isEqualTo(1);
            d.kill();
        }
        try (DaemonProcess d = DaemonProcess.start(dir)) {
            assertThat(DaemonHttp.pub(d.httpPort(), "orders", "after", "Nodeq-Msg-Id", "order-1")).isEqualTo("OK");
            assertThat(DaemonHttp.pub(d.httpPort(), "orders", "other", "Nodeq-Msg-Id", "order-2")).isEqualTo("OK");
            JsonObject topic = DaemonHttp.topicStats(d.httpPort(), "orders");
            assertThat(topic.getString("dedup_window")).isEqualTo("10m0s");
            assertThat(topic.getLong("deduplicated_count")).isEqualTo(1);
            assertThat(DaemonHttp.channelStats(d.httpPort(), "orders", "ship").getLong("depth"))
                    .as("order-1 once, order-2 once").isEqualTo(2);
            assertThat(DaemonHttp.metrics(d.httpPort())).containsPattern(
                    "(?m)^nodeq_topic_deduplicated_total\\{topic=\"orders\"} 1(\\.0)?$");
            assertThat(d.output()).anyMatch(l -> l.contains("TOPIC(orders): 1 Nodeq-Msg-Id keys"));
        }
    }
}
