package io.nodeq.admin;

import io.nodeq.admin.fake.FakeLookupd;
import io.nodeq.testing.FakeNsqd;
import io.nodeq.testing.FakeNsqdHttp.Reply;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin API for nodeq's delivery features against a fake lookup and fake daemons: two play
 * nodeq daemons (settings in /stats, peek, rewind, redrive answered), one plays nsqd (none of it).
 * Settings and counters aggregate (sums, one value or "mixed"); a dead-letter topic is marked with
 * its origin channels; peek concatenates every hosting node's messages, labelled; rewind, redrive
 * and config fan out with totals and the daemons' reasons; nsqd's 404 becomes "not supported";
 * peek and the new actions are guarded; bad input is a 400 with an NSQ-style reason.
 */
class DeliveryApiTest {
    private Vertx vertx;
    private FakeLookupd lookupd;
    private FakeNsqd a;
    private FakeNsqd b;
    private FakeNsqd plain;
    private AdminServer admin;
    private int port;
    private final List<String> peekQueries = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        vertx = Vertx.vertx();
        lookupd = new FakeLookupd(vertx).start().await(5, TimeUnit.SECONDS);
        a = node("a");
        b = node("b");
        plain = node("plain");
        for (FakeNsqd n : List.of(a, b)) {
            n.channel("orders", "billing").extra.put("max_attempts", 5).put("dead_letter_topic", "orders.dead");
            n.topic("orders").extra.put("durability", "durable").put("dedup_window", "2m0s");
            n.topic("orders.dead").extra.put("durability", "durable").put("dedup_window", "0s");
            n.publish("orders", 4, 10);
        }
        a.channel("orders", "billing").extra.put("dead_lettered_count", 2);
        b.channel("orders", "billing").extra.put("dead_lettered_count", 3);
        a.topic("orders").extra.put("retention", "24h0m0s").put("deduplicated_count", 1);
        b.topic("orders").extra.put("retention", "1h0m0s").put("deduplicated_count", 6);
        plain.channel("events", "audit");
        a.routes.put("GET /channel/peek", req -> {
            peekQueries.add(req.query());
            return Reply.json(peek(req.getParam("channel"), message("0a0a0a0a0a0a0a01", 1, "hello <b>world</b>"),
                    message("0a0a0a0a0a0a0a02", 2, new byte[] {0, 1, 2, (byte) 0xff})));
        });
        b.routes.put("GET /channel/peek", req -> Reply.json(peek(req.getParam("channel"),
                message("0b0b0b0b0b0b0b01", 7, "from b"))));
        admin = AdminServer.start(AdminOptions.forLookupds(List.of(lookupd.address()))
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(4))).await(10, TimeUnit.SECONDS);
        port = admin.httpPort();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (admin != null) {
            admin.close().await(5, TimeUnit.SECONDS);
        }
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private FakeNsqd node(String name) throws Exception {
        FakeNsqd n = new FakeNsqd(vertx, name).start().await(5, TimeUnit.SECONDS);
        lookupd.register(n);
        return n;
    }

    @Test
    void settingsAndCountersAggregateAcrossNodes() {
        JsonObject topic = Http.get(port, "/api/topics/orders").json();
        JsonObject totals = topic.getJsonObject("totals");
        assertThat(totals.getString("dedup_window")).isEqualTo("2m0s");
        assertThat(totals.getString("retention")).isEqualTo(NodeqFields.MIXED);
        assertThat(totals.getLong("deduplicated_count")).isEqualTo(7);
        assertThat(totals.getString("durability")).isEqualTo("durable");
        JsonObject billing = topic.getJsonArray("channels").getJsonObject(0);
        assertThat(billing.getInteger("max_attempts")).isEqualTo(5);
        assertThat(billing.getString("dead_letter_topic")).isEqualTo("orders.dead");
        assertThat(billing.getLong("dead_lettered_count")).isEqualTo(5);
        JsonObject nodeA = topic.getJsonArray("nodes").stream().map(JsonObject.class::cast)
                .filter(n -> n.getString("node").equals(a.httpAddress())).findFirst().orElseThrow();
        assertThat(nodeA.getString("retention")).isEqualTo("24h0m0s");

        JsonObject channel = Http.get(port, "/api/topics/orders/billing").json().getJsonObject("totals");
        assertThat(channel.getLong("dead_lettered_count")).isEqualTo(5);

        // nsqd reports none of them: the view leaves them out rather than showing zeros
        JsonObject events = Http.get(port, "/api/topics/events").json();
        assertThat(events.getJsonObject("totals").containsKey("dedup_window")).isFalse();
        assertThat(events.getJsonArray("channels").getJsonObject(0).containsKey("max_attempts")).isFalse();
    }

    @Test
    void aDeadLetterTopicNamesItsOriginChannels() {
        JsonObject topics = Http.get(port, "/api/topics").json();
        JsonObject dead = find(topics.getJsonArray("topics"), "topic", "orders.dead");
        assertThat(dead.getJsonArray("dead_letter_for")).containsExactly(
                new JsonObject().put("topic", "orders").put("channel", "billing"));
        assertThat(find(topics.getJsonArray("topics"), "topic", "orders").getJsonArray("dead_letter_for")).isEmpty();
        assertThat(Http.get(port, "/api/topics/orders.dead").json().getJsonArray("dead_letter_for")).hasSize(1);
    }

    @Test
    void peekConcatenatesEveryNodeLabelled() {
        Http.Reply r = Http.get(port, "/api/topics/orders/billing/peek?n=3");

        assertThat(r.status()).isEqualTo(200);
        assertThat(peekQueries).containsExactly("topic=orders&channel=billing&n=3");
        JsonArray messages = r.json().getJsonArray("messages");
        assertThat(messages).hasSize(3);
        JsonObject text = find(messages, "id", "0a0a0a0a0a0a0a01");
        assertThat(text.getString("node")).isEqualTo(a.httpAddress());
        assertThat(text.getString("body")).isEqualTo("hello <b>world</b>");
        assertThat(text.getBoolean("binary")).isFalse();
        assertThat(text.getJsonObject("headers").getString("Trace")).isEqualTo("t-1");
        JsonObject binary = find(messages, "id", "0a0a0a0a0a0a0a02");
        assertThat(binary.getBoolean("binary")).isTrue();
        assertThat(binary.getString("body")).isNull();
        assertThat(binary.getString("body_base64")).isEqualTo("AAEC/w==");
        assertThat(find(messages, "id", "0b0b0b0b0b0b0b01").getString("node")).isEqualTo(b.httpAddress());
        assertThat(r.json().getJsonArray("errors")).isEmpty();
    }

    @Test
    void nsqdHasNoPeekAndTheAnswerSaysSo() {
        Http.Reply r = Http.get(port, "/api/topics/events/audit/peek");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().getJsonArray("messages")).isEmpty();
        JsonObject error = r.json().getJsonArray("errors").getJsonObject(0);
        assertThat(error.getString("address")).isEqualTo(plain.httpAddress());
        assertThat(error.getString("message")).contains("not supported", "404 NOT_FOUND");

        Http.Reply rewind = Http.send(port, "POST", "/api/topics/events/audit",
                new JsonObject().put("action", "rewind").put("to", "1795393326000"));
        assertThat(rewind.status()).isEqualTo(502);
        assertThat(rewind.json().getString("message")).contains(plain.httpAddress(), "rewind is not supported");
    }

    @Test
    void rewindGoesToEveryHostingNodeWithTheTotal() {
        a.routes.put("POST /channel/rewind", req -> Reply.json(new JsonObject().put("from_seq", 3).put("messages", 4)));
        b.routes.put("POST /channel/rewind", req -> Reply.json(new JsonObject().put("from_seq", 1).put("messages", 2)));
        plain.routes.put("POST /channel/rewind", req -> Reply.error(404, "TOPIC_NOT_FOUND"));
        String to = "2026-12-02T18:00:00Z";

        Http.Reply r = Http.send(port, "POST", "/api/topics/orders/billing",
                new JsonObject().put("action", "rewind").put("to", to));

        assertThat(r.status()).isEqualTo(200);
        long ms = Instant.parse(to).toEpochMilli();
        assertThat(a.posts).containsExactly("/channel/rewind?topic=orders&channel=billing&to=" + ms);
        assertThat(r.json().getLong("messages")).isEqualTo(6);
        assertThat(r.json().getInteger("calls")).isEqualTo(2);
        assertThat(r.json().getJsonArray("results")).hasSize(2);
        assertThat(find(r.json().getJsonArray("results"), "node", b.httpAddress()).getLong("from_seq")).isEqualTo(1);
    }

    @Test
    void redriveSumsEveryNodesAnswer() {
        a.routes.put("POST /topic/redrive", req -> Reply.json(new JsonObject().put("redriven", 3).put("skipped", 1)));
        b.routes.put("POST /topic/redrive", req -> Reply.json(new JsonObject().put("redriven", 2).put("skipped", 0)));

        Http.Reply r = Http.send(port, "POST", "/api/topics/orders.dead", new JsonObject().put("action", "redrive"));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().getLong("redriven")).isEqualTo(5);
        assertThat(r.json().getLong("skipped")).isEqualTo(1);
        assertThat(a.posts).containsExactly("/topic/redrive?topic=orders.dead");
        assertThat(Http.send(port, "POST", "/api/topics/nowhere", new JsonObject().put("action", "redrive"))
                .json().getString("message")).isEqualTo("TOPIC_NOT_FOUND");
    }

    @Test
    void settingsGoToEveryNodeAndADaemonsReasonComesBack() {
        a.routes.put("POST /channel/config", req -> new Reply(200, ""));
        b.routes.put("POST /channel/config", req -> new Reply(200, ""));
        a.routes.put("POST /topic/config", req -> Reply.error(400, "INVALID_RETENTION"));
        b.routes.put("POST /topic/config", req -> Reply.error(400, "INVALID_RETENTION"));

        Http.Reply ok = Http.send(port, "POST", "/api/topics/orders/billing", new JsonObject().put("action", "config")
                .put("max_attempts", 7).put("dead_letter_topic", ""));
        Http.Reply bad = Http.send(port, "POST", "/api/topics/orders", new JsonObject().put("action", "config")
                .put("retention", "soon"));

        assertThat(ok.status()).isEqualTo(200);
        assertThat(b.posts).contains("/channel/config?topic=orders&channel=billing&max_attempts=7&dead_letter_topic=");
        assertThat(bad.status()).isEqualTo(502);
        assertThat(bad.json().getString("message")).contains("INVALID_RETENTION");
        assertThat(a.posts).contains("/topic/config?topic=orders&retention=soon");
    }

    @Test
    void badInputIsRefusedBeforeAnyDaemonIsAsked() {
        assertThat(reason(Http.get(port, "/api/topics/orders/billing/peek?n=0"))).isEqualTo("INVALID_N");
        assertThat(reason(Http.get(port, "/api/topics/orders/billing/peek?n=many"))).isEqualTo("INVALID_N");
        assertThat(reason(action("/api/topics/orders/billing", new JsonObject().put("action", "rewind"))))
                .isEqualTo("MISSING_ARG_TO");
        assertThat(reason(action("/api/topics/orders/billing", new JsonObject().put("action", "rewind")
                .put("to", "yesterday")))).isEqualTo("INVALID_TO");
        assertThat(reason(action("/api/topics/orders", new JsonObject().put("action", "config"))))
                .isEqualTo("MISSING_ARG_SETTING");
        assertThat(reason(action("/api/topics/orders/billing", new JsonObject().put("action", "config")
                .put("dead_letter_topic", "bad name")))).isEqualTo("INVALID_DEAD_LETTER_TOPIC");
        assertThat(reason(action("/api/topics/orders/billing", new JsonObject().put("action", "config")
                .put("max_attempts", "lots")))).isEqualTo("INVALID_MAX_ATTEMPTS");
        assertThat(reason(action("/api/topics/orders/billing", new JsonObject().put("action", "redrive"))))
                .isEqualTo("INVALID_ACTION");
        assertThat(reason(action("/api/topics/orders", new JsonObject().put("action", "rewind"))))
                .isEqualTo("INVALID_ACTION");
        assertThat(a.posts).isEmpty();
        assertThat(peekQueries).isEmpty();
    }

    @Test
    void peekAndTheNewActionsNeedTheAdminsRights() throws Exception {
        admin.close().await(5, TimeUnit.SECONDS);
        admin = AdminServer.start(AdminOptions.forLookupds(List.of(lookupd.address()))
                .withAdmin(List.of("alice"), "X-Forwarded-User", "s3cret")
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(4))).await(10, TimeUnit.SECONDS);
        port = admin.httpPort();
        a.routes.put("POST /topic/redrive", req -> Reply.json(new JsonObject().put("redriven", 0).put("skipped", 0)));

        assertThat(Http.get(port, "/api/topics/orders/billing/peek").status()).isEqualTo(403);
        assertThat(action("/api/topics/orders.dead", new JsonObject().put("action", "redrive")).status()).isEqualTo(403);
        assertThat(peekQueries).isEmpty();
        assertThat(a.posts).isEmpty();
        assertThat(Http.send(port, "GET", "/api/topics/orders/billing/peek", null, "X-Forwarded-User", "alice")
                .json().getJsonArray("messages")).hasSize(3);
        assertThat(Http.send(port, "POST", "/api/topics/orders.dead", new JsonObject().put("action", "redrive"),
                "Authorization", "Bearer s3cret").json().getInteger("calls")).isEqualTo(2);
    }

    private Http.Reply action(String path, JsonObject body) {
        return Http.send(port, "POST", path, body);
    }

    private static String reason(Http.Reply r) {
        assertThat(r.status()).isEqualTo(400);
        return r.json().getString("message");
    }

    private static JsonObject find(JsonArray a, String key, String value) {
        return a.stream().map(JsonObject.class::cast).filter(o -> value.equals(o.getString(key))).findFirst()
                .orElseThrow(() -> new AssertionError(key + "=" + value + " not in " + a));
    }

    private static JsonObject peek(String channel, JsonObject... messages) {
        return new JsonObject().put("topic", "orders").put("channel", channel).put("messages", new JsonArray(List.of(messages)));
    }

    private static JsonObject message(String id, long seq, String body) {
        return message(id, seq, body.getBytes(StandardCharsets.UTF_8)).put("body", body);
    }

    private static JsonObject message(String id, long seq, byte[] body) {
        return new JsonObject().put("id", id).put("seq", seq).put("timestamp", 1795393326000000000L).put("attempts", 0)
                .put("state", "queued").put("body", new String(body, StandardCharsets.UTF_8))
                .put("body_base64", Base64.getEncoder().encodeToString(body))
                .put("headers", new JsonObject().put("Trace", "t-" + seq));
    }
}
