package io.nodeq.daemon.http;

import io.nodeq.daemon.DaemonExtension;
import io.nodeq.daemon.RawClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * GET /metrics on a real daemon: the topic and channel families carry exactly the numbers
 * /stats?format=json shows, a deleted topic or channel leaves no sample behind, and the JVM and
 * Vert.x meters are there.
 */
class MetricsTest extends RealDaemonFixture {

    /** A small memory queue, so that part of every depth is on disk; two percentiles for E2E. */
    @RegisterExtension
    static final DaemonExtension NSQD = new DaemonExtension(b -> b.memQueueSize(2)
            .e2eProcessingLatencyPercentiles(List.of(0.99, 0.5)));

    @Override
    DaemonExtension nsqd() {
        return NSQD;
    }

    @Test
    void topicAndChannelNumbersAreThoseOfStats() throws Exception {
        String a = DaemonExtension.unique("metrics-a");
        String b = DaemonExtension.unique("metrics-b");
        for (String[] tc : new String[][] {{a, "c1"}, {a, "c2"}, {b, "c3"}}) {
            assertThat(http.post("/topic/create?topic=" + tc[0]).statusCode()).isEqualTo(200);
            assertThat(http.post("/channel/create?topic=" + tc[0] + "&channel=" + tc[1]).statusCode()).isEqualTo(200);
        }
        try (RawClient producer = new RawClient(daemon.tcpPort());
             RawClient consumer = new RawClient(daemon.tcpPort())) {
            assertThat(producer.mpub(a, bodies("a", 5))).isEqualTo("OK");
            assertThat(producer.mpub(b, bodies("bb", 3))).isEqualTo("OK");
            producer.dpub(b, 60_000, "later");
            assertThat(producer.readResponse()).isEqualTo("OK");

            // a:c1 gets one FIN (an E2E sample), one REQ with delay (deferred), one left in flight
            assertThat(consumer.sub(a, "c1")).isEqualTo("OK");
            consumer.rdy(3);
            List<RawClient.Frame> got = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                got.add(consumer.readMessage());
            }
            consumer.rdy(0);
            consumer.fin(got.get(0).id());
            consumer.req(got.get(1).id(), 60_000);
            assertThat(http.post("/channel/pause?topic=" + b + "&channel=c3").statusCode()).isEqualTo(200);

            await().atMost(Duration.ofSeconds(10)).until(() -> {
                JsonObject c1 = channel(a, "c1");
                return c1.getLong("in_flight_count") == 1 && c1.getLong("deferred_count") == 1
                        && c1.getJsonObject("e2e_processing_latency").getLong("count") == 1
                        && channel(b, "c3").getLong("deferred_count") == 1;
            });

            // nothing moves any more; a retry only covers a disk read-ahead finishing between two reads
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                PromText m = scrape();
                JsonObject stats = stats("");
                for (String t : List.of(a, b)) {
                    assertTopicMatches(m, find(stats.getJsonArray("topics"), "topic_name", t));
                }
            });

            PromText m = scrape();
            assertThat(m.value("nodeq_topic_messages_total", "topic", a)).isEqualTo(5);
            assertThat(m.value("nodeq_topic_messages_total", "topic", b)).isEqualTo(4);
            assertThat(m.value("nodeq_topic_message_bytes_total", "topic", b)).isEqualTo(3 * "bb".length() + "later".length());
            assertThat(m.value("nodeq_channel_in_flight", "topic", a, "channel", "c1")).isEqualTo(1);
            assertThat(m.value("nodeq_channel_deferred", "topic", a, "channel", "c1")).isEqualTo(1);
            assertThat(m.value("nodeq_channel_requeues_total", "topic", a, "channel", "c1")).isEqualTo(1);
            assertThat(m.value("nodeq_channel_clients", "topic", a, "channel", "c1")).isEqualTo(1);
            assertThat(m.value("nodeq_channel_depth", "topic", a, "channel", "c2")).isEqualTo(5);
            assertThat(m.value("nodeq_channel_backend_depth", "topic", a, "channel", "c2")).isPositive();
            assertThat(m.value("nodeq_channel_deferred", "topic", b, "channel", "c3")).isEqualTo(1);
            assertThat(m.value("nodeq_channel_paused", "topic", b, "channel", "c3")).isEqualTo(1);
            assertThat(m.value("nodeq_channel_e2e_processing_latency_seconds", "topic", a, "channel", "c1",
                    "quantile", "0.99")).isPositive();
            assertThat(m.value("nodeq_health")).isEqualTo(1);
            assertThat(m.value("nodeq_producers")).isGreaterThanOrEqualTo(1);
            assertThat(m.type("nodeq_channel_messages_total")).isEqualTo("counter");
            assertThat(m.type("nodeq_channel_depth")).isEqualTo("gauge");
        }
    }

    @Test
    void deletedTopicsAndChannelsDisappear() throws Exception {
        String t = DaemonExtension.unique("metrics-gone");
        assertThat(http.post("/topic/create?topic=" + t).statusCode()).isEqualTo(200);
        assertThat(http.post("/channel/create?topic=" + t + "&channel=stay").statusCode()).isEqualTo(200);
        assertThat(http.post("/channel/create?topic=" + t + "&channel=go").statusCode()).isEqualTo(200);
        assertThat(scrape().withLabel("topic", t)).isNotEmpty();
        assertThat(scrape().find("nodeq_channel_depth", "topic", t, "channel", "go")).hasSize(1);

        assertThat(http.post("/channel/delete?topic=" + t + "&channel=go").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> scrape().withLabel("channel", "go").stream().noneMatch(s -> t.equals(s.labels().get("topic"))));
        assertThat(scrape().find("nodeq_channel_depth", "topic", t, "channel", "stay")).hasSize(1);

        assertThat(http.post("/topic/delete?topic=" + t).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> scrape().withLabel("topic", t).isEmpty());
    }

    @Test
    void jvmAndVertxMetricsAreServed() throws Exception {
        try (RawClient c = new RawClient(daemon.tcpPort())) {
            assertThat(c.pub(DaemonExtension.unique("metrics-jvm"), "x")).isEqualTo("OK");
            HttpResponse<String> r = http.get("/metrics");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
            PromText m = PromText.parse(r.body());
            assertThat(m.find("jvm_memory_used_bytes", "area", "heap")).isNotEmpty();
            assertThat(m.names()).contains("jvm_threads_live_threads");
            assertThat(m.names()).anyMatch(n -> n.startsWith("jvm_gc_"));
            assertThat(m.names()).anyMatch(n -> n.startsWith("vertx_http_server_"));
            // the raw client above is a live TCP connection on the protocol port
            assertThat(m.find("vertx_net_server_active_connections").stream().mapToDouble(PromText.Sample::value).sum())
                    .isGreaterThanOrEqualTo(1);
            assertThat(m.names()).anyMatch(n -> n.startsWith("vertx_net_server_bytes_read"));
        }
    }

    private PromText scrape() throws Exception {
        HttpResponse<String> r = http.get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        return PromText.parse(r.body());
    }

    private static void assertTopicMatches(PromText m, JsonObject t) {
        String topic = t.getString("topic_name");
        assertThat(m.whole("nodeq_topic_depth", "topic", topic)).isEqualTo(t.getLong("depth"));
        assertThat(m.whole("nodeq_topic_backend_depth", "topic", topic)).isEqualTo(t.getLong("backend_depth"));
        assertThat(m.whole("nodeq_topic_memory_depth", "topic", topic))
                .isEqualTo(t.getLong("depth") - t.getLong("backend_depth"));
        assertThat(m.whole("nodeq_topic_messages_total", "topic", topic)).isEqualTo(t.getLong("message_count"));
        assertThat(m.whole("nodeq_topic_message_bytes_total", "topic", topic)).isEqualTo(t.getLong("message_bytes"));
        assertThat(m.whole("nodeq_topic_paused", "topic", topic)).isEqualTo(t.getBoolean("paused") ? 1L : 0L);
        assertThat(m.whole("nodeq_topic_durable", "topic", topic)).isEqualTo("durable".equals(t.getString("durability")) ? 1L : 0L);
        assertThat(m.whole("nodeq_topic_channels", "topic", topic)).isEqualTo((long) t.getJsonArray("channels").size());
        assertLatencyMatches(m, "nodeq_topic", t.getJsonObject("e2e_processing_latency"), "topic", topic);
        for (Object o : t.getJsonArray("channels")) {
            JsonObject c = (JsonObject) o;
            String[] l = {"topic", topic, "channel", c.getString("channel_name")};
            assertThat(m.whole("nodeq_channel_depth", l)).isEqualTo(c.getLong("depth"));
            assertThat(m.whole("nodeq_channel_backend_depth", l)).isEqualTo(c.getLong("backend_depth"));
            assertThat(m.whole("nodeq_channel_memory_depth", l)).isEqualTo(c.getLong("depth") - c.getLong("backend_depth"));
            assertThat(m.whole("nodeq_channel_in_flight", l)).isEqualTo(c.getLong("in_flight_count"));
            assertThat(m.whole("nodeq_channel_deferred", l)).isEqualTo(c.getLong("deferred_count"));
            assertThat(m.whole("nodeq_channel_messages_total", l)).isEqualTo(c.getLong("message_count"));
            assertThat(m.whole("nodeq_channel_requeues_total", l)).isEqualTo(c.getLong("requeue_count"));
            assertThat(m.whole("nodeq_channel_timeouts_total", l)).isEqualTo(c.getLong("timeout_count"));
            assertThat(m.whole("nodeq_channel_clients", l)).isEqualTo(c.getLong("client_count"));
            assertThat(m.whole("nodeq_channel_paused", l)).isEqualTo(c.getBoolean("paused") ? 1L : 0L);
            assertLatencyMatches(m, "nodeq_channel", c.getJsonObject("e2e_processing_latency"), l);
        }
    }

    private static void assertLatencyMatches(PromText m, String prefix, JsonObject e2e, String... labels) {
        assertThat(m.whole(prefix + "_e2e_processing_latency_samples", labels)).isEqualTo(e2e.getLong("count"));
        JsonArray percentiles = e2e.getJsonArray("percentiles");
        List<PromText.Sample> quantiles = m.find(prefix + "_e2e_processing_latency_seconds", labels);
        assertThat(quantiles).hasSize(percentiles == null ? 0 : percentiles.size());
        if (percentiles == null) {
            return;
        }
        for (Object o : percentiles) {
            JsonObject q = (JsonObject) o;
            String[] withQuantile = java.util.Arrays.copyOf(labels, labels.length + 2);
            withQuantile[labels.length] = "quantile";
            withQuantile[labels.length + 1] = Double.toString(q.getDouble("quantile"));
            assertThat(m.value(prefix + "_e2e_processing_latency_seconds", withQuantile))
                    .isEqualTo(q.getLong("value") / 1e9, within(1e-12));
        }
    }

    private static JsonObject find(JsonArray array, String key, String value) {
        for (Object o : array) {
            JsonObject j = (JsonObject) o;
            if (value.equals(j.getString(key))) {
                return j;
            }
        }
        throw new AssertionError("no " + key + "=" + value + " in " + array);
    }

    private static List<byte[]> bodies(String body, int n) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(body.getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }
}
