package io.nodeq.daemon.http;

import io.nodeq.daemon.stats.StatsFilter;
import io.nodeq.daemon.stats.StatsSnapshot;
import io.nodeq.daemon.stats.StatsSnapshot.ChannelStats;
import io.nodeq.daemon.stats.StatsSnapshot.ClientStats;
import io.nodeq.daemon.stats.StatsSnapshot.E2eLatency;
import io.nodeq.daemon.stats.StatsSnapshot.PubCount;
import io.nodeq.daemon.stats.StatsSnapshot.Quantile;
import io.nodeq.daemon.stats.StatsSnapshot.TopicStats;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * /stats JSON and text byte for byte, from a fake broker's fixed snapshot (clients, producers, e2e
 * percentiles: numbers a real daemon does not hold still), and the filters it is asked with. What a
 * real daemon reports is in {@link StatsApiTest}.
 */
class StatsShapeTest extends FakeApiFixture {
    static final long NOW_SEC = System.currentTimeMillis() / 1000;

    static final ClientStats CONSUMER = new ClientStats("cons", "conshost", "V2", "127.0.0.1:58632", 3, 2, 2, 3, 1, 0,
            NOW_SEC, 0, false, false, "probe/1.0", false, null);
    static final ClientStats PRODUCER = new ClientStats("prod", "prodhost", "V2", "127.0.0.1:58618", 0, 0, 0, 0, 0, 0,
            NOW_SEC, 0, false, true, "probe/1.0", false, List.of(new PubCount("st1", 3)));
    static final E2eLatency E2E = new E2eLatency(1, List.of(new Quantile(1.0, 2079816), new Quantile(0.5, 999)));

    static StatsSnapshot snapshot(boolean pausedChannel) {
        ChannelStats ch1 = new ChannelStats("ch1", 0, 0, 2, 0, 3, 0, 0, 1, List.of(CONSUMER), pausedChannel, E2E);
        TopicStats st1 = new TopicStats("st1", List.of(ch1), 0, 0, 3, 6, false, E2E);
        TopicStats st2 = new TopicStats("st2", List.of(), 5, 1, 5, 10, true, E2eLatency.NONE);
        return new StatsSnapshot(1795393326L, "OK", List.of(st1, st2), List.of(PRODUCER));
    }

    static final String CONSUMER_JSON = "{\"client_id\":\"cons\",\"hostname\":\"conshost\",\"version\":\"V2\","
            + "\"remote_address\":\"127.0.0.1:58632\",\"state\":3,\"ready_count\":2,\"in_flight_count\":2,"
            + "\"message_count\":3,\"finish_count\":1,\"requeue_count\":0,\"connect_ts\":" + NOW_SEC + ","
            + "\"sample_rate\":0,\"deflate\":false,\"snappy\":false,\"user_agent\":\"probe/1.0\","
            + "\"topology_zone\":\"\",\"topology_region\":\"\",\"tls\":false,\"tls_cipher_suite\":\"\","
            + "\"tls_version\":\"\",\"tls_negotiated_protocol\":\"\",\"tls_negotiated_protocol_is_mutual\":false}";
    static final String PRODUCER_JSON = "{\"client_id\":\"prod\",\"hostname\":\"prodhost\",\"version\":\"V2\","
            + "\"remote_address\":\"127.0.0.1:58618\",\"state\":0,\"ready_count\":0,\"in_flight_count\":0,"
            + "\"message_count\":0,\"finish_count\":0,\"requeue_count\":0,\"connect_ts\":" + NOW_SEC + ","
            + "\"sample_rate\":0,\"deflate\":false,\"snappy\":true,\"user_agent\":\"probe/1.0\","
            + "\"pub_counts\":[{\"topic\":\"st1\",\"count\":3}],"
            + "\"topology_zone\":\"\",\"topology_region\":\"\",\"tls\":false,\"tls_cipher_suite\":\"\","
            + "\"tls_version\":\"\",\"tls_negotiated_protocol\":\"\",\"tls_negotiated_protocol_is_mutual\":false}";
    static final String E2E_JSON = "{\"count\":1,\"percentiles\":[{\"quantile\":1,\"value\":2079816},"
            + "{\"quantile\":0.5,\"value\":999}]}";

    static String topicsJson(String clients) {
        return "[{\"topic_name\":\"st1\",\"channels\":[{\"channel_name\":\"ch1\",\"depth\":0,\"backend_depth\":0,"
                + "\"in_flight_count\":2,\"deferred_count\":0,\"message_count\":3,\"requeue_count\":0,"
                + "\"timeout_count\":0,\"client_count\":1,\"clients\":" + clients + ",\"paused\":false,"
                + "\"e2e_processing_latency\":" + E2E_JSON + "}],\"depth\":0,\"backend_depth\":0,\"message_count\":3,"
                + "\"message_bytes\":6,\"paused\":false,\"e2e_processing_latency\":" + E2E_JSON + "},"
                + "{\"topic_name\":\"st2\",\"channels\":[],\"depth\":5,\"backend_depth\":1,\"message_count\":5,"
                + "\"message_bytes\":10,\"paused\":true,"
                + "\"e2e_processing_latency\":{\"count\":0,\"percentiles\":null}}]";
    }

    @Test
    void fullJsonShapeWithClientsAndProducers() throws Exception {
        start();
        broker.snapshot = snapshot(false);
        HttpResponse<String> r = http.get("/stats?format=json&include_mem=false");
        assertThat(r.body()).isEqualTo("{\"version\":\"1.3.0\",\"health\":\"OK\",\"start_time\":1795393326,"
                + "\"topics\":" + topicsJson("[" + CONSUMER_JSON + "]") + ",\"producers\":[" + PRODUCER_JSON + "]}");
    }

    @Test
    void includeClientsFalseNullsClientsAndProducersButKeepsClientCount() throws Exception {
        start();
        broker.snapshot = snapshot(false);
        HttpResponse<String> r = http.get("/stats?format=json&include_clients=false&include_mem=0");
        assertThat(r.body()).isEqualTo("{\"version\":\"1.3.0\",\"health\":\"OK\",\"start_time\":1795393326,"
                + "\"topics\":" + topicsJson("null") + ",\"producers\":null}");
        assertThat(broker.lastFilter).isEqualTo(new StatsFilter(null, null, false));
        // other values count as true
        r = http.get("/stats?format=json&include_clients=yes&include_mem=no");
        assertThat(new JsonObject(r.body()).getJsonArray("producers")).hasSize(1);
        assertThat(new JsonObject(r.body()).containsKey("memory")).isTrue();
    }

    @Test
    void filtersArePassedOnAndMissingTopicGivesNulls() throws Exception {
        start();
        broker.snapshot = new StatsSnapshot(1795393326L, "OK", null, List.of(PRODUCER));
        HttpResponse<String> r = http.get("/stats?format=json&topic=missing&channel=c1&include_mem=false");
        assertThat(r.body()).isEqualTo("{\"version\":\"1.3.0\",\"health\":\"OK\",\"start_time\":1795393326,"
                + "\"topics\":null,\"producers\":null}");
        assertThat(broker.lastFilter).isEqualTo(new StatsFilter("missing", "c1", true));
        http.get("/stats?format=json&topic=&channel=");
        assertThat(broker.lastFilter).isEqualTo(StatsFilter.ALL);
    }

    @Test
    void textLayoutOfTopicsChannelsClientsAndProducers() throws Exception {
        start();
        broker.snapshot = snapshot(true);
        String body = http.get("/stats?include_mem=false").body();
        assertThat(body).contains("\n\nTopics:\n"
                + "   [st1            ] depth: 0     be-depth: 0     msgs: 3        e2e%: 2.1ms, 999.0ns\n"
                + "   *P [ch1                      ] depth: 0     be-depth: 0     inflt: 2    def: 0    re-q: 0     "
                + "timeout: 0     msgs: 3        e2e%: 2.1ms, 999.0ns\n"
                + "        [V2 conshost:58632 probe/1.0] state: 3 inflt: 2    rdy: 2    fin: 1        re-q: 0        "
                + "msgs: 3        connected: ");
        assertThat(body).contains("\n*P [st2            ] depth: 5     be-depth: 1     msgs: 5        e2e%: \n");
        assertThat(body).contains("\n\nProducers:\n   [V2 prodhost:58618 probe/1.0] msgs: 3        topics: st1=3 connected: ");
    }
}
