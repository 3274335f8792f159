package io.nodeq.daemon.lookup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nodeq.lookup.LookupOptions;
import io.nodeq.lookup.LookupServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** LookupPeers against real nodeq lookups on loopback, checked through the lookups' HTTP API. */
class LookupPeersTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final NodeInfo SELF = new NodeInfo("127.0.0.1", "daemon-host", 4150, 4151, "1.3.0");

    private Vertx vertx;
    private final List<LookupServer> lookups = new ArrayList<>();
    private final List<LookupPeers> peersToStop = new ArrayList<>();
    private final List<Registration> state = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (LookupPeers p : peersToStop) {
            p.stop().await(10, TimeUnit.SECONDS);
        }
        for (LookupServer l : lookups) {
            l.close().await(10, TimeUnit.SECONDS);
        }
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private LookupServer lookup(LookupOptions o) throws Exception {
        LookupServer l = LookupServer.start(o).await(30, TimeUnit.SECONDS);
        lookups.add(l);
        return l;
    }

    private LookupPeers peers(List<String> addresses, NodeInfo self, Duration ping) {
        LookupPeers p = new LookupPeers(vertx, addresses, self, () -> List.copyOf(state), ping);
        peersToStop.add(p);
        p.start();
        return p;
    }

    private static String tcp(LookupServer l) {
        return "127.0.0.1:" + l.tcpPort();
    }

    static JsonObject get(LookupServer l, String pathAndQuery) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + l.httpPort() + pathAndQuery)).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? new JsonObject(r.body()) : new JsonObject().put("status", r.statusCode());
    }

    static int post(LookupServer l, String pathAndQuery) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + l.httpPort() + pathAndQuery))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private static JsonArray producers(LookupServer l, String topic) throws Exception {
        JsonArray a = get(l, "/lookup?topic=" + topic).getJsonArray("producers");
        return a == null ? new JsonArray() : a;
    }

    @Test
    void snapshotAndLiveChangesAppearAndDisappear() throws Exception {
        LookupServer l = lookup(LookupOptions.loopback());
        state.add(new Registration("t1", null));
        state.add(new Registration("t2", "c2"));
        LookupPeers peers = peers(List.of(tcp(l)), SELF, Duration.ofSeconds(15));

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(producers(l, "t1")).hasSize(1);
            assertThat(get(l, "/channels?topic=t2").getJsonArray("channels")).containsExactly("c2");
        });
        JsonObject p = producers(l, "t1").getJsonObject(0);
        assertThat(p.getString("broadcast_address")).isEqualTo("127.0.0.1");
        assertThat(p.getString("hostname")).isEqualTo("daemon-host");
        assertThat(p.getInteger("tcp_port")).isEqualTo(4150);
        assertThat(p.getInteger("http_port")).isEqualTo(4151);
        assertThat(get(l, "/topics").getJsonArray("topics")).containsExactlyInAnyOrder("t1", "t2");
        JsonArray nodes = get(l, "/nodes").getJsonArray("producers");
        assertThat(nodes).hasSize(1);
        assertThat(nodes.getJsonObject(0).getJsonArray("topics")).containsExactlyInAnyOrder("t1", "t2");

        peers.register("t3", null);
        peers.register("t3", "c3");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(producers(l, "t3")).hasSize(1);
            assertThat(get(l, "/channels?topic=t3").getJsonArray("channels")).containsExactly("c3");
        });
        peers.unregister("t3", "c3");
        peers.unregister("t3", null);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(producers(l, "t3")).isEmpty();
            assertThat(get(l, "/nodes").getJsonArray("producers").getJsonObject(0).getJsonArray("topics"))
                    .containsExactlyInAnyOrder("t1", "t2");
        });
        // the channel key stays at the lookup (NSQ: keys outlive producers unless ephemeral)
        assertThat(get(l, "/channels?topic=t3").getJsonArray("channels")).containsExactly("c3");

        peers.register("t4#ephemeral", "e#ephemeral");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(get(l, "/channels?topic=t4%23ephemeral").getJsonArray("channels")).containsExactly("e#ephemeral"));
        peers.unregister("t4#ephemeral", "e#ephemeral");
        peers.unregister("t4#ephemeral", null);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(get(l, "/topics").getJsonArray("topics")).doesNotContain("t4#ephemeral"));
        assertThat(get(l, "/channels?topic=t4%23ephemeral").getJsonArray("channels")).isEmpty();
    }

    @Test
    void restartedLookupGetsRegistrationsBack() throws Exception {
        LookupServer first = lookup(LookupOptions.loopback());
        int tcpPort = first.tcpPort();
        int httpPort = first.httpPort();
        state.add(new Registration("r1", "rc1"));
        peers(List.of("127.0.0.1:" + tcpPort), SELF, Duration.ofSeconds(15));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(producers(first, "r1")).hasSize(1));

        first.close().await(10, TimeUnit.SECONDS);
        lookups.remove(first);
        state.add(new Registration("r2", null));   // created while the lookup was away
        LookupServer second = lookup(LookupOptions.loopback().withTcpAddress("127.0.0.1:" + tcpPort)
                .withHttpAddress("127.0.0.1:" + httpPort));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(producers(second, "r1")).hasSize(1);
            assertThat(producers(second, "r2")).hasSize(1);
            assertThat(get(second, "/channels?topic=r1").getJsonArray("channels")).containsExactly("rc1");
        });
    }

    @Test
    void channelsOfUnionsEveryLookupWithoutEphemeralOnes() throws Exception {
        LookupServer a = lookup(LookupOptions.loopback());
        LookupServer b = lookup(LookupOptions.loopback());
        assertThat(post(a, "/channel/create?topic=ct&channel=ca")).isEqualTo(200);
        assertThat(post(a, "/channel/create?topic=ct&channel=shared")).isEqualTo(200);
        assertThat(post(b, "/channel/create?topic=ct&channel=shared")).isEqualTo(200);
        assertThat(post(b, "/channel/create?topic=ct&channel=cb")).isEqualTo(200);
        assertThat(post(b, "/channel/create?topic=ct&channel=gone%23ephemeral")).isEqualTo(200);
        // a third address where nothing listens: it just contributes nothing
        int dead;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            dead = s.getLocalPort();
        }
        LookupPeers peers = peers(List.of(tcp(a), tcp(b), "127.0.0.1:" + dead), SELF, Duration.ofSeconds(15));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(peers.channelsOf("ct").await(10, TimeUnit.SECONDS))
                        .containsExactlyInAnyOrder("ca", "shared", "cb"));
        assertThat(peers.channelsOf("nothing-here").await(10, TimeUnit.SECONDS)).isEmpty();
        // one lookup gone: the other still answers
        a.close().await(10, TimeUnit.SECONDS);
        lookups.remove(a);
        assertThat(peers.channelsOf("ct").await(10, TimeUnit.SECONDS)).containsExactlyInAnyOrder("shared", "cb");
    }

    @Test
    void pingsKeepTheNodeActiveAndSilenceMakesItInactive() throws Exception {
        LookupServer l = lookup(LookupOptions.loopback().withInactiveProducerTimeout(Duration.ofMillis(1500)));
        state.add(new Registration("alive", null));
        peers(List.of(tcp(l)), SELF, Duration.ofMillis(100));
        NodeInfo quiet = new NodeInfo("127.0.0.2", "quiet-host", 5150, 5151, "1.3.0");
        LookupPeers silent = new LookupPeers(vertx, List.of(tcp(l)), quiet, () -> List.of(new Registration("alive", null)));
        peersToStop.add(silent);
        silent.start();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(producers(l, "alive")).hasSize(2));
        // the silent one (15 s pings) drops out after 1.5 s; the pinging one (100 ms) stays, well past that
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            JsonArray p = producers(l, "alive");
            assertThat(p).hasSize(1);
            assertThat(p.getJsonObject(0).getString("hostname")).isEqualTo("daemon-host");
        });
        long until = System.nanoTime() + Duration.ofMillis(2500).toNanos();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).until(() -> {
            assertThat(producers(l, "alive")).hasSize(1);
            return System.nanoTime() > until;
        });
        assertThat(get(l, "/nodes").getJsonArray("producers")).hasSize(1);
    }

    @Test
    void tombstoneHidesTheDaemonForItsLifetime() throws Exception {
        LookupServer l = lookup(LookupOptions.loopback().withTombstoneLifetime(Duration.ofSeconds(2)));
        state.add(new Registration("tomb", "c"));
        state.add(new Registration("other", null));
        peers(List.of(tcp(l)), SELF, Duration.ofSeconds(15));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(producers(l, "tomb")).hasSize(1));
        assertThat(post(l, "/topic/tombstone?topic=tomb&node=127.0.0.1:4151")).isEqualTo(200);
        assertThat(producers(l, "tomb")).isEmpty();
        assertThat(producers(l, "other")).hasSize(1);
        JsonObject node = get(l, "/nodes").getJsonArray("producers").getJsonObject(0);
        int i = node.getJsonArray("topics").getList().indexOf("tomb");
        assertThat(node.getJsonArray("tombstones").getBoolean(i)).isTrue();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(producers(l, "tomb")).hasSize(1));
    }

    @Test
    void setAddressesMovesToTheNewLookups() throws Exception {
        LookupServer a = lookup(LookupOptions.loopback());
        LookupServer b = lookup(LookupOptions.loopback());
        state.add(new Registration("moving", null));
        LookupPeers peers = peers(List.of(tcp(a)), SELF, Duration.ofSeconds(15));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(producers(a, "moving")).hasSize(1));
        peers.setAddresses(List.of(tcp(b)));
        assertThat(peers.addresses()).containsExactly(tcp(b));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(producers(b, "moving")).hasSize(1);
            assertThat(producers(a, "moving")).isEmpty();
            assertThat(get(a, "/nodes").getJsonArray("producers")).isEmpty();
        });
    }
}
