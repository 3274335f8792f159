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

import static io.nodeq.admin.NsqdHttp.channelStats;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The admin API for nodeq's delivery features against a real lookup and two real daemons (no
 * browser): settings through the admin reach both daemons and come back aggregated, a refused value
 * carries the daemon's reason, the dead-letter topic is marked from real /stats, and peek (when the
 * daemons have it) gathers both nodes' messages without changing a depth.
 */
class DeliveryRealMeshApiTest {

    @TempDir
    Path tmp;

    private RealMesh mesh;
    private AdminServer admin;
    private int port;

    @BeforeEach
    void setUp() throws Exception {
        mesh = RealMesh.start(tmp, "jobs", "work");
        admin = AdminServer.start(AdminOptions.forLookupds(List.of(mesh.lookupHttp))
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5))).await(10, TimeUnit.SECONDS);
        port = admin.httpPort();
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
    void settingsReachBothDaemonsAndComeBackAggregated() {
        Http.Reply ok = Http.send(port, "POST", "/api/topics/jobs/work", new JsonObject().put("action", "config")
                .put("max_attempts", 4).put("dead_letter_topic", "jobs.failed"));
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().getInteger("calls")).isEqualTo(2);
        for (String n : mesh.httpAddresses) {
            assertThat(channelStats(n, "jobs", "work").getInteger("max_attempts")).isEqualTo(4);
        }
        // one node differs: the cluster row says so
        NsqdHttp.post(mesh.httpAddresses[1], "/channel/config?topic=jobs&channel=work&max_attempts=9", "");
        JsonObject work = Http.get(port, "/api/topics/jobs").json().getJsonArray("channels").getJsonObject(0);
        assertThat(work.getValue("max_attempts")).isEqualTo(NodeqFields.MIXED);
        assertThat(work.getString("dead_letter_topic")).isEqualTo("jobs.failed");
        assertThat(work.getLong("dead_lettered_count")).isZero();

        Http.Reply bad = Http.send(port, "POST", "/api/topics/jobs", new JsonObject().put("action", "config")
                .put("dedup_window", "a while"));
        assertThat(bad.status()).isEqualTo(502);
        assertThat(bad.json().getString("message")).contains("INVALID_DEDUP_WINDOW");

        NsqdHttp.post(mesh.httpAddresses[0], "/topic/create?topic=jobs.failed", "");
        await().atMost(Duration.ofSeconds(20)).until(() -> !Http.get(port, "/api/topics/jobs.failed").json()
                .getJsonArray("dead_letter_for").isEmpty());
        assertThat(Http.get(port, "/api/topics/jobs.failed").json().getJsonArray("dead_letter_for"))
                .containsExactly(new JsonObject().put("topic", "jobs").put("channel", "work"));
    }

    @Test
    void peekGathersBothNodesAndChangesNoDepth() {
        assumeThat(NsqdHttp.hasEndpoint(mesh.httpAddresses[0], "GET", "/channel/peek"))
                .as("the daemon has no /channel/peek yet").isTrue();
        NsqdHttp.mpub(mesh.httpAddresses[0], "jobs", 2);
        NsqdHttp.mpub(mesh.httpAddresses[1], "jobs", 1);

        JsonObject r = Http.get(port, "/api/topics/jobs/work/peek?n=5").json();

        JsonArray messages = r.getJsonArray("messages");
        assertThat(messages).hasSize(3);
        assertThat(messages.getJsonObject(0).getString("body")).isEqualTo("message-0");
        assertThat(messages.stream().map(m -> ((JsonObject) m).getString("node")))
                .containsExactlyInAnyOrder(mesh.httpAddresses[0], mesh.httpAddresses[0], mesh.httpAddresses[1]);
        assertThat(channelStats(mesh.httpAddresses[0], "jobs", "work").getLong("depth")).isEqualTo(2);
        assertThat(channelStats(mesh.httpAddresses[0], "jobs", "work").getLong("in_flight_count")).isZero();
        assertThat(Http.get(port, "/api/topics/jobs/nope/peek").status()).isEqualTo(404);
    }
}
