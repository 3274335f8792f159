package io.nodeq.admin;

import io.nodeq.admin.fake.FakeLookupd;
import io.nodeq.testing.FakeNsqd;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JSON API's aggregation over fake daemons and lookups speaking NSQ's HTTP JSON: a good node's
 * numbers come through, a slow one and a dead one become error entries with their addresses, all
 * within the per-node timeout.
 */
class AggregationApiTest {
    private static final Duration TIMEOUT = Duration.ofMillis(3000);
    /** Far beyond the timeout, so the slow node can only show up as an error. */
    private static final long SLOW_MS = 30_000;

    private Vertx vertx;
    private FakeNsqd good;
    private FakeNsqd slow;
    private String deadAddress;
    private AdminServer admin;
    private final List<FakeNsqd> stopLater = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        vertx = Vertx.vertx();
        good = nsqd("good");
        slow = nsqd("slow");
        slow.delayMs = SLOW_MS;
        FakeNsqd dead = new FakeNsqd(vertx, "dead").start().await(5, TimeUnit.SECONDS);
        deadAddress = dead.httpAddress();
        dead.stop().await(5, TimeUnit.SECONDS);

        good.channel("orders", "billing").depth = 0;
        good.publish("orders", 7, 10);
        good.channel("orders", "billing").clients.add(FakeNsqd.statsClient("c1", "127.0.0.1:50001", 5, 2, true));
        slow.publish("orders", 3, 10);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (admin != null) {
            admin.close().await(5, TimeUnit.SECONDS);
        }
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private FakeNsqd nsqd(String name) throws Exception {
        FakeNsqd n = new FakeNsqd(vertx, name).start().await(5, TimeUnit.SECONDS);
        stopLater.add(n);
        return n;
    }

    private void startAdmin(AdminOptions options) throws Exception {
        admin = AdminServer.start(options.withTimeouts(TIMEOUT, TIMEOUT)).await(10, TimeUnit.SECONDS);
    }

    @Test
    void nsqdModeReturnsGoodNodeAndErrorsForSlowAndDeadWithinTimeout() throws Exception {
        startAdmin(AdminOptions.forNsqds(List.of(good.httpAddress(), slow.httpAddress(), deadAddress)));

        long start = System.nanoTime();
        Http.Reply r = Http.get(admin.httpPort(), "/api/topics");
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(r.status()).isEqualTo(200);
        JsonObject orders = r.json().getJsonArray("topics").getJsonObject(0);
        assertThat(orders.getString("topic")).isEqualTo("orders");
        assertThat(orders.getLong("message_count")).isEqualTo(7L);
        assertThat(orders.getInteger("node_count")).isEqualTo(1);
        assertThat(errorAddresses(r.json())).containsExactlyInAnyOrder(slow.httpAddress(), deadAddress);
        assertThat(tookMs).isLessThan(SLOW_MS / 3);
    }

    @Test
    void lookupdModeTopicPageKeepsGoodNodeAndNamesTheOthers() throws Exception {
        FakeLookupd lookupd = new FakeLookupd(vertx).start().await(5, TimeUnit.SECONDS);
        lookupd.register(good);
        lookupd.register(slow);
        FakeNsqd dead = new FakeNsqd(vertx, "dead2").start().await(5, TimeUnit.SECONDS);
        dead.publish("orders", 1, 1);
        lookupd.register(dead);
        dead.stop().await(5, TimeUnit.SECONDS);
        startAdmin(AdminOptions.forLookupds(List.of(lookupd.address())));

        long start = System.nanoTime();
        Http.Reply r = Http.get(admin.httpPort(), "/api/topics/orders");
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(r.status()).isEqualTo(200);
        JsonObject v = r.json();
        assertThat(v.getBoolean("exists")).isTrue();
        assertThat(v.getJsonArray("nodes")).hasSize(1);
        JsonObject node = v.getJsonArray("nodes").getJsonObject(0);
        assertThat(node.getString("node")).isEqualTo(good.httpAddress());
        assertThat(node.getLong("message_count")).isEqualTo(7L);
        JsonObject billing = v.getJsonArray("channels").getJsonObject(0);
        assertThat(billing.getString("channel")).isEqualTo("billing");
        assertThat(billing.getLong("depth")).isEqualTo(7L);
        assertThat(billing.getLong("client_count")).isEqualTo(1L);
        assertThat(errorAddresses(v)).containsExactlyInAnyOrder(slow.httpAddress(), dead.httpAddress());
        assertThat(tookMs).isLessThan(SLOW_MS / 3);
    }

    @Test
    void aDaemonThatLeftEveryLookupStaysAnErrorRow() throws Exception {
        FakeLookupd lookupd = new FakeLookupd(vertx).start().await(5, TimeUnit.SECONDS);
        FakeNsqd other = nsqd("other");
        other.publish("orders", 2, 1);
        lookupd.register(good);
        lookupd.register(other);
        startAdmin(AdminOptions.forLookupds(List.of(lookupd.address())));
        assertThat(Http.get(admin.httpPort(), "/api/nodes").json().getJsonArray("nodes")).hasSize(2);

        other.stop().await(5, TimeUnit.SECONDS);
        lookupd.unregister(other);

        JsonObject topic = Http.get(admin.httpPort(), "/api/topics/orders").json();
        assertThat(topic.getJsonArray("nodes")).hasSize(1);
        assertThat(errorAddresses(topic)).containsExactly(other.httpAddress());
        assertThat(topic.getJsonArray("errors").getJsonObject(0).getString("message"))
                .startsWith("no longer registered with any lookup");
        assertThat(errorAddresses(Http.get(admin.httpPort(), "/api/nodes").json())).containsExactly(other.httpAddress());
    }

    @Test
    void lookupdDownIsAnErrorRowToo() throws Exception {
        FakeLookupd up = new FakeLookupd(vertx).start().await(5, TimeUnit.SECONDS);
        up.register(good);
        FakeLookupd slowLookupd = new FakeLookupd(vertx).start().await(5, TimeUnit.SECONDS);
        slowLookupd.delayMs = SLOW_MS;
        startAdmin(AdminOptions.forLookupds(List.of(up.address(), slowLookupd.address())));

        Http.Reply r = Http.get(admin.httpPort(), "/api/nodes");

        JsonArray nodes = r.json().getJsonArray("nodes");
        assertThat(nodes).hasSize(1);
        assertThat(nodes.getJsonObject(0).getString("node")).isEqualTo(good.httpAddress());
        assertThat(nodes.getJsonObject(0).getBoolean("missing_from_lookupds")).isTrue();
        JsonObject err = r.json().getJsonArray("errors").getJsonObject(0);
        assertThat(err.getString("kind")).isEqualTo("lookupd");
        assertThat(err.getString("address")).isEqualTo(slowLookupd.address());
        assertThat(err.getString("message")).contains("timed out");
    }

    @Test
    void totalsSumNodesAndChannelPageListsClients() throws Exception {
        FakeNsqd second = nsqd("second");
        second.channel("orders", "billing").clients.add(FakeNsqd.statsClient("c2", "127.0.0.1:50002", 1, 0, false));
        second.publish("orders", 5, 10);
        second.channel("orders", "billing").backendDepth = 2;
        second.channel("orders", "billing").paused = true;
        startAdmin(AdminOptions.forNsqds(List.of(good.httpAddress(), second.httpAddress())));

        JsonObject topic = Http.get(admin.httpPort(), "/api/topics/orders").json();
        assertThat(topic.getJsonObject("totals").getLong("message_count")).isEqualTo(12L);
        JsonObject billing = topic.getJsonArray("channels").getJsonObject(0);
        assertThat(billing.getLong("depth")).isEqualTo(12L);
        assertThat(billing.getLong("memory_depth")).isEqualTo(10L);
        assertThat(billing.getBoolean("paused")).isTrue();
        assertThat(billing.getInteger("node_count")).isEqualTo(2);

        JsonObject channel = Http.get(admin.httpPort(), "/api/topics/orders/billing").json();
        assertThat(channel.getJsonArray("nodes")).hasSize(2);
        assertThat(channel.getJsonArray("clients")).hasSize(2);
        JsonObject c1 = channel.getJsonArray("clients").stream().map(JsonObject.class::cast)
                .filter(c -> c.getString("client_id").equals("c1")).findFirst().orElseThrow();
        assertThat(c1.getString("node")).isEqualTo(good.httpAddress());
        assertThat(c1.getInteger("ready_count")).isEqualTo(5);
        assertThat(c1.getBoolean("tls")).isTrue();
        assertThat(c1.getString("user_agent")).isEqualTo("nsq-j/1.2");

        JsonObject counter = Http.get(admin.httpPort(), "/api/counter").json();
        assertThat(counter.getLong("message_count")).isEqualTo(12L);
    }

    @Test
    void nodePageShowsOneNodesTopicsAndChannels() throws Exception {
        startAdmin(AdminOptions.forNsqds(List.of(good.httpAddress(), slow.httpAddress())));

        JsonObject v = Http.get(admin.httpPort(), "/api/nodes/" + good.httpAddress()).json();

        assertThat(v.getBoolean("exists")).isTrue();
        assertThat(v.getJsonObject("info").getString("hostname")).isEqualTo("good");
        JsonObject orders = v.getJsonArray("topics").getJsonObject(0);
        assertThat(orders.getJsonArray("channels").getJsonObject(0).getLong("depth")).isEqualTo(7L);
        assertThat(v.getJsonArray("errors")).isEmpty();
    }

    static List<String> errorAddresses(JsonObject view) {
        List<String> out = new ArrayList<>();
        view.getJsonArray("errors").forEach(e -> out.add(((JsonObject) e).getString("address")));
        return out;
    }
}
