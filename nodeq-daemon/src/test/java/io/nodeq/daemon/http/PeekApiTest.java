package io.nodeq.daemon.http;

import io.nodeq.daemon.RawClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static io.nodeq.daemon.http.HttpClientSupport.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code GET /channel/peek} against a real daemon: the next messages in delivery order, and nothing
 * of the channel changes (depth, in flight, attempts, what a consumer then gets).
 */
class PeekApiTest extends RealDaemonFixture {

    @Test
    void peekShowsTheNextMessagesWithoutDeliveringThem() throws Exception {
        start();
        channelWith("peek", "ch", "a", "b", "c", "d", "e");
        JsonObject first = peek("peek", "ch", "&n=3");
        assertThat(first.getString("topic")).isEqualTo("peek");
        assertThat(first.getString("channel")).isEqualTo("ch");
        JsonArray msgs = first.getJsonArray("messages");
        assertThat(bodies(msgs)).containsExactly("a", "b", "c");
        JsonObject m0 = msgs.getJsonObject(0);
        assertThat(m0.getString("id")).hasSize(16);
        assertThat(m0.getLong("seq")).isZero();
        assertThat(m0.getInteger("attempts")).isZero();
        assertThat(m0.getString("state")).isEqualTo("queued");
        assertThat(m0.getLong("timestamp")).isGreaterThan(1_600_000_000_000_000_000L);
        assertThat(m0.getString("body_base64")).isEqualTo(Base64.getEncoder().encodeToString("a".getBytes()));
        assertThat(m0.getJsonObject("headers")).isEqualTo(new JsonObject());

        // looking changed nothing: the same answer again, the same depth, nothing in flight
        assertThat(peek("peek", "ch", "&n=3")).isEqualTo(first);
        assertThat(channel("peek", "ch").getLong("depth")).isEqualTo(5);
        assertThat(channel("peek", "ch").getLong("in_flight_count")).isZero();
        assertThat(bodies(peek("peek", "ch", "").getJsonArray("messages"))).containsExactly("a", "b", "c", "d", "e");

        try (RawClient c = new RawClient(daemon.tcpPort())) {
            assertThat(c.sub("peek", "ch")).isEqualTo("OK");
            c.rdy(3);
            List<RawClient.Frame> got = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                got.add(c.readMessage());
            }
            c.rdy(0); // the rest stays queued
            for (int i = 0; i < 3; i++) {
                RawClient.Frame f = got.get(i);
                assertThat(f.id()).isEqualTo(msgs.getJsonObject(i).getString("id"));
                assertThat(f.attempts()).isEqualTo(1);
                assertThat(f.body()).isEqualTo(msgs.getJsonObject(i).getString("body"));
                c.fin(f.id());
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> channel("peek", "ch").getLong("depth") == 2);
        }
        assertThat(bodies(peek("peek", "ch", "").getJsonArray("messages"))).containsExactly("d", "e");
    }

    @Test
    void requeuedMessagesComeFirstWithTheirAttempts() throws Exception {
        start();
        channelWith("req", "ch", "one", "two", "three");
        try (RawClient c = new RawClient(daemon.tcpPort())) {
            assertThat(c.sub("req", "ch")).isEqualTo("OK");
            c.rdy(2);
            RawClient.Frame one = c.readMessage();
            RawClient.Frame two = c.readMessage();
            c.rdy(0);
            c.req(two.id(), 0);
            await().atMost(Duration.ofSeconds(5)).until(() -> channel("req", "ch").getLong("in_flight_count") == 1);

            JsonArray msgs = peek("req", "ch", "").getJsonArray("messages");
            assertThat(bodies(msgs)).containsExactly("two", "three");
            assertThat(msgs.getJsonObject(0).getString("state")).isEqualTo("requeued");
            assertThat(msgs.getJsonObject(0).getInteger("attempts")).isEqualTo(1);
            assertThat(msgs.getJsonObject(0).getString("id")).isEqualTo(two.id());
            assertThat(msgs.getJsonObject(1).getString("state")).isEqualTo("queued");
            assertThat(msgs.getJsonObject(1).getInteger("attempts")).isZero();
            assertThat(channel("req", "ch").getLong("depth")).isEqualTo(2);

            c.fin(one.id());
            c.rdy(2);
            RawClient.Frame again = c.readMessage();
            assertThat(again.id()).isEqualTo(two.id());
            assertThat(again.attempts()).isEqualTo(2);
            assertThat(c.readMessage().body()).isEqualTo("three");
        }
    }

    @Test
    void messagesOnlyOnDiskAreReadFromTheLog() throws Exception {
        // a hot tail of 4 records: a channel far behind reads the rest from the segment files
        start(b -> b.memQueueSize(4).maxBytesPerFile(2048));
        List<String> all = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            all.add("disk-" + i);
        }
        channelWith("disk", "ch", all.toArray(String[]::new));
        await().atMost(Duration.ofSeconds(5)).until(() -> channel("disk", "ch").getLong("backend_depth") > 100);

        JsonArray msgs = peek("disk", "ch", "&n=1000").getJsonArray("messages");
        assertThat(bodies(msgs)).containsExactlyElementsOf(all);
        assertThat(channel("disk", "ch").getLong("depth")).isEqualTo(120);

        try (RawClient c = new RawClient(daemon.tcpPort())) {
            assertThat(c.sub("disk", "ch")).isEqualTo("OK");
            c.rdy(50);
            for (int i = 0; i < 120; i++) {
                RawClient.Frame f = c.readMessage();
                assertThat(f.id()).isEqualTo(msgs.getJsonObject(i).getString("id"));
                assertThat(f.attempts()).isEqualTo(1);
                c.fin(f.id());
            }
        }
    }

    @Test
    void headersOfAMessageAreShownApartFromItsPayload() throws Exception {
        start();
        channelWith("hdr", "ch");
        HttpClientSupport.assertOkText(http.post("/pub?topic=hdr", "payload", "Nodeq-Header-Trace-Id", "abc"));
        HttpClientSupport.assertOkText(http.post("/pub?topic=hdr", "plain"));
        JsonArray msgs = peek("hdr", "ch", "").getJsonArray("messages");
        assertThat(bodies(msgs)).containsExactly("payload", "plain");
        assertThat(msgs.getJsonObject(0).getJsonObject("headers")).isEqualTo(new JsonObject().put("Trace-Id", "abc"));
        assertThat(msgs.getJsonObject(0).getString("body_base64"))
                .isEqualTo(Base64.getEncoder().encodeToString("payload".getBytes()));
        assertThat(msgs.getJsonObject(1).getJsonObject("headers")).isEqualTo(new JsonObject());
    }

    @Test
    void deferredMessagesOnlyWhenAsked() throws Exception {
        start();
        channelWith("later", "ch", "now");
        try (RawClient p = new RawClient(daemon.tcpPort())) {
            p.dpub("later", 600_000, "in an hour");
            assertThat(p.readResponse()).isEqualTo("OK");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> channel("later", "ch").getLong("deferred_count") == 1);
        assertThat(bodies(peek("later", "ch", "").getJsonArray("messages"))).containsExactly("now");
        JsonArray with = peek("later", "ch", "&include_deferred=true").getJsonArray("messages");
        assertThat(bodies(with)).containsExactly("now", "in an hour");
        JsonObject d = with.getJsonObject(1);
        assertThat(d.getString("state")).isEqualTo("deferred");
        assertThat(d.getLong("due") - d.getLong("timestamp") / 1_000_000).isEqualTo(600_000);
        assertThat(with.getJsonObject(0).containsKey("due")).isFalse();
    }

    @Test
    void badRequestsGetNsqStyleErrors() throws Exception {
        start();
        channelWith("bad", "ch", "x");
        for (String n : new String[] {"0", "1001", "ten", "", "-1"}) {
            assertError(http.get("/channel/peek?topic=bad&channel=ch&n=" + n), 400, "INVALID_N");
        }
        assertError(http.get("/channel/peek?channel=ch"), 400, "MISSING_ARG_TOPIC");
        assertError(http.get("/channel/peek?topic=bad"), 400, "MISSING_ARG_CHANNEL");
        assertError(http.get("/channel/peek?topic=nope&channel=ch"), 404, "TOPIC_NOT_FOUND");
        assertError(http.get("/channel/peek?topic=bad&channel=nope"), 404, "CHANNEL_NOT_FOUND");
        HttpResponse<String> post = http.post("/channel/peek?topic=bad&channel=ch");
        assertError(post, 405, "METHOD_NOT_ALLOWED");
        assertThat(peek("bad", "ch", "&n=1000").getJsonArray("messages")).hasSize(1);
    }

    private JsonObject peek(String topic, String channel, String query) throws Exception {
        HttpResponse<String> r = http.get("/channel/peek?topic=" + topic + "&channel=" + channel + query);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        return new JsonObject(r.body());
    }

    static List<String> bodies(JsonArray messages) {
        List<String> out = new ArrayList<>();
        messages.forEach(m -> out.add(((JsonObject) m).getString("body")));
        return out;
    }
}
