package io.nodeq.daemon.broker;

import io.nodeq.daemon.DaemonExtension;
import io.nodeq.daemon.RawClient;
import io.nodeq.daemon.storage.Metadata;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static io.nodeq.daemon.DaemonExtension.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The storage level of a topic: set at creation over HTTP (or the daemon's --durability for a
 * topic a PUB creates), shown in /stats, kept in nsqd.dat across a restart, and fixed for the
 * topic's life.
 */
class DurabilityTest {
    @RegisterExtension
    static final DaemonExtension D = new DaemonExtension();

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aTopicCreatedDurableSaysSoAndKeepsItsLevelAcrossARestart() throws Exception {
        String durable = unique("durable");
        String plain = unique("plain");
        assertThat(post("/topic/create?topic=" + durable + "&durability=durable").statusCode()).isEqualTo(200);
        try (RawClient p = D.client(); RawClient c = D.client()) {
            assertThat(p.pub(plain, "first")).isEqualTo("OK");
            assertThat(p.pub(durable, "kept")).isEqualTo("OK");
            assertThat(c.sub(durable, "ch")).isEqualTo("OK");
            c.rdy(1);
            RawClient.Frame m = c.readMessage();
            assertThat(m.body()).isEqualTo("kept");
        }
        assertThat(level(durable)).isEqualTo("durable");
        assertThat(level(plain)).isEqualTo("memory-first");
        // asking again with another level changes nothing: the level is the topic's for life
        assertThat(post("/topic/create?topic=" + durable + "&durability=memory-first").statusCode()).isEqualTo(200);
        assertThat(level(durable)).isEqualTo("durable");
        await().atMost(Duration.ofSeconds(5)).until(() -> Metadata.load(D.dataDir()).topics().stream()
                .anyMatch(t -> t.name().equals(durable) && "durable".equals(t.durability())));

        D.restart();
        assertThat(level(durable)).isEqualTo("durable");
        assertThat(level(plain)).isEqualTo("memory-first");
        // the message was taken but not finished before the restart: it comes again
        try (RawClient c = D.client()) {
            assertThat(c.sub(durable, "ch")).isEqualTo("OK");
            c.rdy(1);
            RawClient.Frame m = c.readMessage();
            assertThat(m.body()).isEqualTo("kept");
            assertThat(m.attempts()).isEqualTo(2);
        }
    }

    @Test
    void anUnknownLevelIsABadRequest() throws Exception {
        HttpResponse<String> r = post("/topic/create?topic=" + unique("bad") + "&durability=sometimes");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("INVALID_DURABILITY");
    }

    private String level(String topic) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + D.daemon().httpPort() + "/stats?format=json&topic=" + topic)).build(),
                HttpResponse.BodyHandlers.ofString());
        return new JsonObject(r.body()).getJsonArray("topics").getJsonObject(0).getString("durability");
    }

    private HttpResponse<String> post(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + D.daemon().httpPort() + path))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }
}
