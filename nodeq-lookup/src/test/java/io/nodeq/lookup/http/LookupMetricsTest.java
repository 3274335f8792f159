package io.nodeq.lookup.http;

import static io.nodeq.lookup.LookupTestSupport.getJson;
import static io.nodeq.lookup.LookupTestSupport.http;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nodeq.lookup.LookupOptions;
import io.nodeq.lookup.LookupServer;
import io.nodeq.lookup.LookupTestSupport;
import io.nodeq.lookup.LookupTestSupport.Reply;
import io.nodeq.lookup.LookupTestSupport.V1Client;
import io.nodeq.lookup.registry.ClusterOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * GET /metrics on a real lookup: the registration gauges agree with /topics, /channels and /nodes,
 * follow deletes and disconnects, and JVM and Vert.x meters are served beside them.
 */
class LookupMetricsTest {
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private LookupServer lookup;
    private final List<V1Client> clients = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (V1Client c : clients) {
            c.close();
        }
        LookupTestSupport.stop(lookup);
    }

    @Test
    void registrationGaugesAgreeWithTheHttpApi() throws Exception {
        lookup = LookupTestSupport.start(LookupOptions.loopback());
        V1Client d1 = daemon("127.0.0.1", 4150, "t1 c1", "t2");
        daemon("127.0.0.2", 5150, "t1");
        assertThat(http(lookup, "POST", "/topic/tombstone?topic=t1&node=127.0.0.2:5151").status()).isEqualTo(200);

        List<Sample> m = scrape();
        assertThat(value(m, "nodeq_lookup_registrations", "category", "topic"))
                .isEqualTo(getJson(lookup, "/topics").getJsonArray("topics").size()).isEqualTo(2);
        assertThat(value(m, "nodeq_lookup_registrations", "category", "channel"))
                .isEqualTo(getJson(lookup, "/channels?topic=t1").getJsonArray("channels").size()
                        + getJson(lookup, "/channels?topic=t2").getJsonArray("channels").size()).isEqualTo(1);
        JsonArray nodes = getJson(lookup, "/nodes").getJsonArray("producers");
        assertThat(value(m, "nodeq_lookup_active_producers")).isEqualTo(nodes.size()).isEqualTo(2);
        assertThat(value(m, "nodeq_lookup_tombstones")).isEqualTo(tombstones(nodes)).isEqualTo(1);
        assertThat(value(m, "nodeq_lookup_producers", "category", "client")).isEqualTo(2);
        assertThat(value(m, "nodeq_lookup_producers", "category", "topic")).isEqualTo(3);
        assertThat(value(m, "nodeq_lookup_producers", "category", "channel")).isEqualTo(1);
        assertThat(names(m)).doesNotContain("nodeq_lookup_cluster_members");

        assertThat(http(lookup, "POST", "/topic/delete?topic=t2").status()).isEqualTo(200);
        assertThat(value(scrape(), "nodeq_lookup_registrations", "category", "topic")).isEqualTo(1);

        d1.close();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> value(scrape(), "nodeq_lookup_producers", "category", "client") == 1);
        assertThat(value(scrape(), "nodeq_lookup_active_producers"))
                .isEqualTo(getJson(lookup, "/nodes").getJsonArray("producers").size()).isEqualTo(1);
    }

    @Test
    void jvmAndVertxMetricsAreServed() throws Exception {
        lookup = LookupTestSupport.start(LookupOptions.loopback());
        daemon("127.0.0.1", 4150, "t1");
        Reply r = http(lookup, "GET", "/metrics");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
        List<Sample> m = parse(r.body());
        assertThat(names(m)).contains("jvm_memory_used_bytes", "jvm_threads_live_threads");
        assertThat(names(m)).anyMatch(n -> n.startsWith("jvm_gc_"));
        assertThat(names(m)).anyMatch(n -> n.startsWith("vertx_http_server_"));
        // the V1 connection above is open on the lookup's TCP port
        assertThat(m.stream().filter(s -> s.name().equals("vertx_net_server_active_connections"))
                .mapToLong(Sample::value).sum()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void clusterModeCountsMembers() throws Exception {
        String name = "lookup-metrics-" + ProcessHandle.current().pid();
        lookup = LookupTestSupport.start(LookupOptions.loopback()
                .withCluster(new ClusterOptions(name, "127.0.0.1", 5981, 1, List.of("127.0.0.1:5981"))));
        daemon("127.0.0.1", 4150, "t1 c1");
        List<Sample> m = scrape();
        assertThat(value(m, "nodeq_lookup_cluster_members")).isEqualTo(1);
        assertThat(value(m, "nodeq_lookup_registrations", "category", "channel")).isEqualTo(1);
        assertThat(value(m, "nodeq_lookup_active_producers")).isEqualTo(1);
    }

    private V1Client daemon(String address, int tcpPort, String... registrations) throws Exception {
        V1Client c = V1Client.daemon(lookup, address, tcpPort, registrations);
        clients.add(c);
        return c;
    }

    private static long tombstones(JsonArray nodes) {
        long n = 0;
        for (Object o : nodes) {
            for (Object t : ((JsonObject) o).getJsonArray("tombstones")) {
                n += Boolean.TRUE.equals(t) ? 1 : 0;
            }
        }
        return n;
    }

    private record Sample(String name, Map<String, String> labels, long value) {
    }

    private List<Sample> scrape() throws Exception {
        Reply r = http(lookup, "GET", "/metrics");
        assertThat(r.status()).isEqualTo(200);
        return parse(r.body());
    }

    /** Exposition format lines {@code name{labels} value}; values rounded (the gauges here are counts). */
    private static List<Sample> parse(String text) {
        List<Sample> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            Matcher s = SAMPLE.matcher(line);
            if (line.startsWith("#") || !s.find()) {
                continue;
            }
            Map<String, String> labels = new HashMap<>();
            if (s.group(2) != null) {
                Matcher l = LABEL.matcher(s.group(2));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            out.add(new Sample(s.group(1), labels, Math.round(Double.parseDouble(s.group(3)))));
        }
        return out;
    }

    private static List<String> names(List<Sample> samples) {
        return samples.stream().map(Sample::name).toList();
    }

    /** The one sample of {@code name} with these labels (name, value pairs). */
    private static long value(List<Sample> samples, String name, String... labels) {
        List<Sample> found = samples.stream().filter(s -> s.name().equals(name)).filter(s -> {
            for (int i = 0; i < labels.length; i += 2) {
                if (!labels[i + 1].equals(s.labels().get(labels[i]))) {
                    return false;
                }
            }
            return true;
        }).toList();
        assertThat(found).as(name + " " + List.of(labels)).hasSize(1);
        return found.get(0).value();
    }
}
