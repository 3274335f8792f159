package io.nodeq.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nodeq.config.Hostname;
import io.nodeq.lookup.LookupOptions;
import io.nodeq.lookup.LookupServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A daemon and a real lookup (nsqd's TestCluster, TestReconfigure, and channel pre-creation from
 * the lookups' /channels when a topic appears on another node).
 */
class DaemonLookupTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Daemon> daemons = new ArrayList<>();
    private LookupServer lookup;

    @TempDir
    Path dir;

    @BeforeEach
    void startLookup() throws Exception {
        lookup = LookupServer.start(LookupOptions.loopback()).await(20, TimeUnit.SECONDS);
    }

    @AfterEach
    void stopAll() throws Exception {
        for (Daemon d : daemons) {
            TestDaemons.stop(d);
        }
        lookup.close().await(20, TimeUnit.SECONDS);
    }

    private Daemon daemon(String name, boolean registered) {
        Daemon d = TestDaemons.start(dir.resolve(name), b -> registered
                ? b.lookupdTcpAddresses(List.of("127.0.0.1:" + lookup.tcpPort())) : b);
        daemons.add(d);
        return d;
    }

    private JsonNode get(int port, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? JSON.readTree(r.body()) : JSON.createObjectNode().put("status", r.statusCode());
    }

    private int post(int port, String path, String body) throws Exception {
        HttpRequest.BodyPublisher pub = HttpRequest.BodyPublishers.ofString(body);
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(body.startsWith("[") ? "PUT" : "POST", pub).build();
        return http.send(req, HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    /**
     * The hostname (a DNS lookup when the kernel has no name) is found off the event loops: at the
     * daemon's and the lookup's start, for /info, for registration, and when options change.
     */
    @Test
    void noHostnameLookupRunsOnAnEventLoop() throws Exception {
        Daemon d = daemon("a", true);
        assertThat(post(d.httpPort(), "/topic/create?topic=names", "")).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(get(lookup.httpPort(), "/lookup?topic=names").path("producers").get(0).path("hostname").asText())
                        .isEqualTo(Hostname.get()));
        assertThat(get(d.httpPort(), "/info").path("hostname").asText()).isEqualTo(Hostname.get());
        assertThat(post(d.httpPort(), "/config/nsqlookupd_tcp_addresses",
                "[\"127.0.0.1:" + lookup.tcpPort() + "\"]")).isEqualTo(200);
        assertThat(get(d.httpPort(), "/config/mem_queue_size").asLong()).isEqualTo(10_000);
        assertThat(Hostname.callsOnEventLoop()).as("Hostname.get() calls on an event loop in this JVM").isZero();
    }

    @Test
    void topicsAndChannelsAppearAtTheLookupAndGoWithDelete() throws Exception {
        Daemon d = daemon("a", true);
        assertThat(post(d.httpPort(), "/topic/create?topic=cluster", "")).isEqualTo(200);
        assertThat(post(d.httpPort(), "/channel/create?topic=cluster&channel=ch", "")).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode l = get(lookup.httpPort(), "/lookup?topic=cluster");
            assertThat(l.path("channels").toString()).isEqualTo("[\"ch\"]");
            assertThat(l.path("producers")).hasSize(1);
            JsonNode p = l.path("producers").get(0);
            assertThat(p.path("broadcast_address").asText()).isEqualTo("127.0.0.1");
            assertThat(p.path("tcp_port").asInt()).isEqualTo(d.tcpPort());
            assertThat(p.path("http_port").asInt()).isEqualTo(d.httpPort());
            assertThat(p.path("version").asText()).isEqualTo("1.3.0");
        });
        assertThat(post(d.httpPort(), "/topic/delete?topic=cluster", "")).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(get(lookup.httpPort(), "/lookup?topic=cluster").path("producers")).isEmpty());
    }

    @Test
    void aNewTopicPreCreatesTheChannelsOtherNodesHave() throws Exception {
        Daemon a = daemon("a", true);
        Daemon b = daemon("b", true);
        assertThat(post(a.httpPort(), "/topic/create?topic=spread", "")).isEqualTo(200);
        assertThat(post(a.httpPort(), "/channel/create?topic=spread&channel=workers", "")).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(get(lookup.httpPort(), "/channels?topic=spread").path("channels").toString())
                        .isEqualTo("[\"workers\"]"));
        // the first publish on b creates the topic there; the message must wait for "workers"
        assertThat(post(b.httpPort(), "/pub?topic=spread", "first")).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode t = get(b.httpPort(), "/stats?format=json&topic=spread").path("topics").get(0);
            assertThat(t.path("channels").get(0).path("channel_name").asText()).isEqualTo("workers");
            assertThat(t.path("channels").get(0).path("depth").asLong()).isEqualTo(1);
        });
    }

    @Test
    void lookupsSetAtRuntimeReceiveEveryRegistration() throws Exception {
        Daemon d = daemon("c", false);
        assertThat(post(d.httpPort(), "/topic/create?topic=late", "")).isEqualTo(200);
        assertThat(get(lookup.httpPort(), "/lookup?topic=late").path("status").asInt()).isEqualTo(404);
        assertThat(post(d.httpPort(), "/config/nsqlookupd_tcp_addresses", "[\"127.0.0.1:" + lookup.tcpPort() + "\"]"))
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(get(lookup.httpPort(), "/lookup?topic=late").path("producers")).hasSize(1));
    }
}
