package io.nodeq.daemon.http;

import io.nodeq.daemon.DaemonExtension;
import io.nodeq.daemon.RawClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * /stats on a real daemon: nsqd's TestHTTPClientStats, TestHTTPgetStatusJSON/Text and the filters.
 * The exact layouts of a fixed snapshot are in {@link StatsShapeTest}.
 */
class StatsApiTest extends RealDaemonFixture {

    @RegisterExtension
    static final DaemonExtension NSQD = new DaemonExtension();

    @Override
    DaemonExtension nsqd() {
        return NSQD;
    }

    @Test
    void freshJsonStartsLikeNsqd() throws Exception {
        start();
        HttpResponse<String> r = http.get("/stats?format=json");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        assertThat(r.headers().firstValue("X-NSQ-Content-Type")).hasValue("nsq; version=1.0");
        assertThat(r.body()).startsWith(
                "{\"version\":\"1.3.0\",\"health\":\"OK\",\"start_time\":" + daemon.startTime()
                        + ",\"topics\":[],\"memory\":{");
        assertThat(r.body()).endsWith(",\"producers\":null}");
        JsonObject memory = new JsonObject(r.body()).getJsonObject("memory");
        assertThat(memory.fieldNames()).containsExactly("heap_objects", "heap_idle_bytes", "heap_in_use_bytes",
                "heap_released_bytes", "gc_pause_usec_100", "gc_pause_usec_99", "gc_pause_usec_95", "next_gc_bytes",
                "gc_total_runs");
        assertThat(memory.getLong("heap_in_use_bytes")).isPositive();
        assertThat(memory.getLong("next_gc_bytes")).isGreaterThanOrEqualTo(memory.getLong("heap_in_use_bytes"));
            }

    @Test
    void textIsTheDefaultFormat() throws Exception {
        start();
        for (String path : List.of("/stats", "/stats?format=text", "/stats?format=JSON")) {
            HttpResponse<String> r = http.get(path);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
            assertThat(r.headers().firstValue("X-NSQ-Content-Type")).hasValue("nsq; version=1.0");
            assertThat(r.body()).startsWith("nsqd v1.3.0 (built w/java");
            assertThat(r.body()).contains("\nstart_time ", "\nuptime ", "\n\nHealth: OK\n", "\n\nMemory:\n   heap_objects",
                    "\nTopics: None\n", "\nProducers: None\n");
        }
        assertThat(http.get("/stats?include_mem=false").body()).doesNotContain("Memory:");
    }

    @Test
    void clientStatsAndTheirFilters() throws Exception {
        try (RawClient c = new RawClient(daemon.tcpPort())) {
            c.identify("{\"client_id\":\"cs\",\"hostname\":\"cshost\",\"user_agent\":\"probe/1.0\"}");
            assertThat(c.sub("client_stats", "ch")).isEqualTo("OK");
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> channel("client_stats", "ch").getJsonArray("clients").size() == 1);

            JsonObject all = stats("&topic=client_stats");
            JsonObject ch = all.getJsonArray("topics").getJsonObject(0).getJsonArray("channels").getJsonObject(0);
            assertThat(ch.getInteger("client_count")).isEqualTo(1);
            JsonObject client = ch.getJsonArray("clients").getJsonObject(0);
            assertThat(client.getString("client_id")).isEqualTo("cs");
            assertThat(client.getString("user_agent")).isEqualTo("probe/1.0");
            assertThat(client.getInteger("state")).isEqualTo(3);

            JsonObject withMem = new JsonObject(http.get("/stats?format=json&topic=client_stats").body());
            assertThat(withMem.getJsonObject("memory")).isNotNull();

            JsonObject noClients = stats("&topic=client_stats&include_clients=false");
            JsonObject ch2 = noClients.getJsonArray("topics").getJsonObject(0).getJsonArray("channels").getJsonObject(0);
            assertThat(ch2.getValue("clients")).isNull();
            assertThat(ch2.containsKey("clients")).isTrue();
            assertThat(ch2.getInteger("client_count")).isEqualTo(1);

            assertThat(new JsonObject(http.get("/stats?format=json&include_mem=false").body()).containsKey("memory"))
                    .isFalse();
        }
    }

    @Test
    void producersAreListedWithPubCounts() throws Exception {
        try (RawClient p = new RawClient(daemon.tcpPort())) {
            p.identify("{\"client_id\":\"prod\",\"hostname\":\"prodhost\"}");
            assertThat(p.pub("producer_stats", "x")).isEqualTo("OK");
            JsonArray producers = stats("&topic=producer_stats").getJsonArray("producers");
            assertThat(producers).isNotNull();
            JsonObject me = producers.stream().map(JsonObject.class::cast)
                    .filter(o -> "prod".equals(o.getString("client_id"))).findFirst().orElseThrow();
            assertThat(me.getJsonArray("pub_counts").getJsonObject(0).getMap())
                    .containsEntry("topic", "producer_stats").containsEntry("count", 1);
        }
    }

    @Test
    void missingTopicIsNullAndMissingChannelIsEmpty() throws Exception {
        assertThat(http.post("/pub?topic=filter_t", "x").statusCode()).isEqualTo(200);
        String missing = http.get("/stats?format=json&include_mem=false&topic=filter_none").body();
        assertThat(missing).contains("\"topics\":null").endsWith("\"producers\":null}");
        assertThat(stats("&topic=filter_t&channel=none").getJsonArray("topics")).isEmpty();
    }

    @Test
    void everyTopicAndChannelHasE2eLatency() throws Exception {
        assertThat(http.post("/topic/create?topic=e2e_t").statusCode()).isEqualTo(200);
        assertThat(http.post("/channel/create?topic=e2e_t&channel=ch").statusCode()).isEqualTo(200);
        for (Object t : stats("").getJsonArray("topics")) {
            JsonObject topic = (JsonObject) t;
            assertThat(topic.getJsonObject("e2e_processing_latency").fieldNames()).containsExactly("count", "percentiles");
            for (Object c : topic.getJsonArray("channels")) {
                assertThat(((JsonObject) c).getJsonObject("e2e_processing_latency")).isNotNull();
            }
        }
        assertThat(channel("e2e_t", "ch").getJsonObject("e2e_processing_latency").encode())
                .isEqualTo("{\"count\":0,\"percentiles\":null}");
    }
}
