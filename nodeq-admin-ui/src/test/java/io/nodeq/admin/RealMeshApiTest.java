package io.nodeq.admin;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin API's actions against a real nodeq lookup and two real daemons (no browser): tombstone
 * a topic on one node (the lookup marks it, that daemon deletes it, the other keeps it), delete a
 * channel and a topic everywhere, and the lookup page's view of what the lookup knows.
 */
class RealMeshApiTest {

    @TempDir
    Path tmp;

    private RealMesh mesh;
    private AdminServer admin;
    private String lookupHttp;
    private String addrA;
    private String addrB;

    @BeforeEach
    void setUp() throws Exception {
        mesh = RealMesh.start(tmp, "events", "archive");
        lookupHttp = mesh.lookupHttp;
        addrA = mesh.httpAddresses[0];
        addrB = mesh.httpAddresses[1];
        admin = AdminServer.start(AdminOptions.forLookupds(List.of(lookupHttp))
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5))).await(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (admin != null) {
            admin.close().await(10, TimeUnit.SECONDS);
        }
        if (mesh != null) {
            mesh.close();
        }
    }

    @Test
    void tombstoneOneNodeThenDeleteEverywhere() {
        int port = admin.httpPort();
        JsonObject lookupView = Http.get(port, "/api/lookup").json();
        JsonObject events = find(lookupView.getJsonArray("topics"), "events");
        assertThat(events.getJsonArray("channels")).containsExactly("archive");
        assertThat(events.getJsonArray("producers")).containsExactlyInAnyOrder(addrA, addrB);

        Http.Reply tomb = Http.send(port, "DELETE", "/api/nodes/" + addrA, new JsonObject().put("topic", "events"));

        assertThat(tomb.status()).isEqualTo(200);
        assertThat(Http.getAbs("http://" + addrA + "/stats?format=json&topic=events").json().getValue("topics")).isNull();
        assertThat(NsqdHttp.topicStat(addrB, "events", "message_count")).isZero();
        // the lookup hides A for this topic; B still produces it
        JsonArray producers = Http.getAbs("http://" + lookupHttp + "/lookup?topic=events").json().getJsonArray("producers");
        assertThat(producers.size()).isEqualTo(1);
        assertThat(producers.getJsonObject(0).getInteger("http_port")).isEqualTo(mesh.httpPort(1));
        JsonObject topicView = Http.get(port, "/api/topics/events").json();
        assertThat(topicView.getJsonArray("nodes")).hasSize(1);
        assertThat(topicView.getJsonArray("errors")).isEmpty();

        assertThat(Http.send(port, "DELETE", "/api/topics/events/archive", null).status()).isEqualTo(200);
        assertThat(NsqdHttp.topicStats(addrB, "events").getJsonArray("channels")).isEmpty();

        assertThat(Http.send(port, "DELETE", "/api/topics/events", null).status()).isEqualTo(200);
        assertThat(Http.getAbs("http://" + addrB + "/stats?format=json&topic=events").json().getValue("topics")).isNull();
        assertThat(Http.getAbs("http://" + lookupHttp + "/topics").json().getJsonArray("topics")).doesNotContain("events");
    }

    private static JsonObject find(JsonArray rows, String topic) {
        return rows.stream().map(JsonObject.class::cast).filter(r -> r.getString("topic").equals(topic)).findFirst()
                .orElseThrow();
    }
}
