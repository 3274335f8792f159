package io.nodeq.admin;

import io.nodeq.admin.fake.FakeLookupd;
import io.nodeq.testing.FakeNsqd;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Actions fan out as nsqadmin's do (nsq-protocol.md §4.1), against a fake lookup and two fake
 * daemons: producer actions on every daemon, delete on lookups then daemons, create through the
 * lookups, tombstone then delete on one node; partial failures reported; writes guarded when asked.
 */
class ActionsApiTest {
    private Vertx vertx;
    private FakeLookupd lookupd;
    private FakeNsqd a;
    private FakeNsqd b;
    private AdminServer admin;

    @BeforeEach
    void setUp() throws Exception {
        vertx = Vertx.vertx();
        lookupd = new FakeLookupd(vertx).start().await(5, TimeUnit.SECONDS);
        a = new FakeNsqd(vertx, "a").start().await(5, TimeUnit.SECONDS);
        b = new FakeNsqd(vertx, "b").start().await(5, TimeUnit.SECONDS);
        lookupd.register(a);
        lookupd.register(b);
        for (FakeNsqd n : List.of(a, b)) {
            n.channel("orders", "billing");
            n.publish("orders", 4, 10);
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        if (admin != null) {
            admin.close().await(5, TimeUnit.SECONDS);
        }
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private int start(AdminOptions o) throws Exception {
        admin = AdminServer.start(o.withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(4))).await(10, TimeUnit.SECONDS);
        return admin.httpPort();
    }

    private int startLookupdMode() throws Exception {
        return start(AdminOptions.forLookupds(List.of(lookupd.address())));
    }

    @Test
    void pauseAndEmptyAChannelOnEveryProducer() throws Exception {
        int port = startLookupdMode();

        Http.Reply pause = Http.send(port, "POST", "/api/topics/orders/billing", new JsonObject().put("action", "pause"));
        Http.Reply empty = Http.send(port, "POST", "/api/topics/orders/billing", new JsonObject().put("action", "empty"));

        assertThat(pause.status()).isEqualTo(200);
        assertThat(pause.json().getInteger("calls")).isEqualTo(2);
        assertThat(empty.status()).isEqualTo(200);
        for (FakeNsqd n : List.of(a, b)) {
            assertThat(n.posts).containsExactly("/channel/pause?topic=orders&channel=billing",
                    "/channel/empty?topic=orders&channel=billing");
            assertThat(n.channel("orders", "billing").paused).isTrue();
            assertThat(n.channel("orders", "billing").depth).isZero();
        }
        JsonObject view = Http.get(port, "/api/topics/orders/billing").json();
        assertThat(view.getJsonObject("totals").getBoolean("paused")).isTrue();
        assertThat(view.getJsonObject("totals").getLong("depth")).isZero();
    }

    @Test
    void pauseATopicThenUnpause() throws Exception {
        int port = startLookupdMode();

        Http.send(port, "POST", "/api/topics/orders", new JsonObject().put("action", "pause"));
        assertThat(Http.get(port, "/api/topics/orders").json().getJsonObject("totals").getBoolean("paused")).isTrue();
        Http.send(port, "POST", "/api/topics/orders", new JsonObject().put("action", "unpause"));

        assertThat(a.topic("orders").paused).isFalse();
        assertThat(a.posts).containsExactly("/topic/pause?topic=orders", "/topic/unpause?topic=orders");
        assertThat(b.posts).containsExactly("/topic/pause?topic=orders", "/topic/unpause?topic=orders");
    }

    @Test
    void deleteTopicGoesToLookupsAndEveryProducer() throws Exception {
        int port = startLookupdMode();

        Http.Reply r = Http.send(port, "DELETE", "/api/topics/orders", null);

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().getInteger("calls")).isEqualTo(3);
        assertThat(lookupd.posts).containsExactly("/topic/delete?topic=orders");
        assertThat(a.topicNames()).isEmpty();
        assertThat(b.topicNames()).isEmpty();
    }

    @Test
    void deleteChannelGoesToLookupsAndEveryProducer() throws Exception {
        int port = startLookupdMode();

        Http.Reply r = Http.send(port, "DELETE", "/api/topics/orders/billing", null);

        assertThat(r.status()).isEqualTo(200);
        assertThat(lookupd.posts).containsExactly("/channel/delete?topic=orders&channel=billing");
        assertThat(a.channelNames("orders")).isEmpty();
        assertThat(b.channelNames("orders")).isEmpty();
    }

    @Test
    void createTopicThroughLookupsAndChannelOnProducersToo() throws Exception {
        int port = startLookupdMode();

        Http.Reply topic = Http.send(port, "POST", "/api/topics", new JsonObject().put("topic", "fresh"));
        Http.Reply channel = Http.send(port, "POST", "/api/topics",
                new JsonObject().put("topic", "orders").put("channel", "archive"));

        assertThat(topic.status()).isEqualTo(200);
        assertThat(channel.status()).isEqualTo(200);
        assertThat(lookupd.posts).containsExactly("/topic/create?topic=fresh",
                "/channel/create?topic=orders&channel=archive");
        assertThat(a.posts).containsExactly("/channel/create?topic=orders&channel=archive");
        assertThat(a.channelNames("orders")).contains("archive");
        JsonObject lookup = Http.get(port, "/api/lookup").json();
        assertThat(lookup.getJsonArray("topics").stream().map(t -> ((JsonObject) t).getString("topic")))
                .contains("fresh", "orders");
        assertThat(Http.get(port, "/api/topics").json().getJsonArray("topics").stream()
                .map(t -> ((JsonObject) t).getString("topic"))).contains("fresh");
    }

    @Test
    void tombstoneOnLookupsThenDeleteOnThatNodeOnly() throws Exception {
        int port = startLookupdMode();

        Http.Reply r = Http.send(port, "DELETE", "/api/nodes/" + a.httpAddress(), new JsonObject().put("topic", "orders"));

        assertThat(r.status()).isEqualTo(200);
        assertThat(lookupd.posts).containsExactly("/topic/tombstone?topic=orders&node=" + a.httpAddress().replace(":", "%3A"));
        assertThat(a.posts).containsExactly("/topic/delete?topic=orders");
        assertThat(b.posts).isEmpty();
    }

    @Test
    void partialFailureNamesTheDaemonThatFailed() throws Exception {
        b.delayMs = 30_000;
        int port = startLookupdMode();

        Http.Reply r = Http.send(port, "POST", "/api/topics/orders", new JsonObject().put("action", "pause"));

        assertThat(r.status()).isEqualTo(502);
        assertThat(AggregationApiTest.errorAddresses(r.json())).contains(b.httpAddress());
        assertThat(a.topic("orders").paused).isTrue();
    }

    @Test
    void badNamesAndActionsAreRejected() throws Exception {
        int port = startLookupdMode();

        assertThat(Http.send(port, "POST", "/api/topics", new JsonObject().put("topic", "bad name")).json()
                .getString("message")).isEqualTo("INVALID_TOPIC");
        assertThat(Http.send(port, "POST", "/api/topics/orders", new JsonObject().put("action", "explode")).status())
                .isEqualTo(400);
        assertThat(Http.get(port, "/api/nothing").status()).isEqualTo(404);
        assertThat(a.posts).isEmpty();
    }

    @Test
    void actionsNeedTheTokenOrAnAdminUserWhenConfigured() throws Exception {
        int port = start(AdminOptions.forLookupds(List.of(lookupd.address()))
                .withAdmin(List.of("alice"), "X-Forwarded-User", "s3cret"));
        JsonObject pause = new JsonObject().put("action", "pause");

        assertThat(Http.send(port, "POST", "/api/topics/orders", pause).status()).isEqualTo(403);
        assertThat(Http.send(port, "POST", "/api/topics/orders", pause, "X-Forwarded-User", "mallory").status())
                .isEqualTo(403);
        assertThat(Http.send(port, "POST", "/api/topics/orders", pause, "Authorization", "Bearer wrong").status())
                .isEqualTo(403);
        assertThat(a.posts).isEmpty();
        assertThat(Http.send(port, "POST", "/api/topics/orders", pause, "X-Forwarded-User", "alice").status())
                .isEqualTo(200);
        assertThat(Http.send(port, "POST", "/api/topics/orders", new JsonObject().put("action", "unpause"),
                "Authorization", "Bearer s3cret").status()).isEqualTo(200);
        // reading stays open
        assertThat(Http.get(port, "/api/topics").status()).isEqualTo(200);
        assertThat(Http.get(port, "/api/info").json().getBoolean("actions_protected")).isTrue();
    }

    @Test
    void nsqdModeCreatesTopicsOnEveryDaemon() throws Exception {
        int port = start(AdminOptions.forNsqds(List.of(a.httpAddress(), b.httpAddress())));

        assertThat(Http.send(port, "POST", "/api/topics", new JsonObject().put("topic", "direct")).status())
                .isEqualTo(200);
        assertThat(Http.send(port, "DELETE", "/api/nodes/" + a.httpAddress(), new JsonObject().put("topic", "orders"))
                .status()).isEqualTo(400);

        assertThat(a.topicNames()).contains("direct");
        assertThat(b.topicNames()).contains("direct");
    }
}
