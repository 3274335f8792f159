package io.nodeq.tools;

import io.nodeq.daemon.Daemon;
import io.nodeq.daemon.DaemonOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code nodeq stat} against a real daemon, directly and through the lookup. */
class StatCommandTest extends ToolMeshTestBase {
    @Test
    void oneRowPerChannelWithItsDepth() throws Exception {
        mesh.post("/topic/create?topic=orders", "");
        mesh.post("/channel/create?topic=orders&channel=billing", "");
        mesh.post("/channel/create?topic=orders&channel=audit", "");
        mesh.post("/mpub?topic=orders", "1\n2\n3\n4\n5");
        mesh.post("/channel/empty?topic=orders&channel=audit", "");

        ToolMesh.Run r = ToolMesh.run("", "stat", "--topic", "orders", "--nsqd-http-address", mesh.daemonHttp(),
                "--count", "1");
        assertThat(r.code()).isZero();
        assertThat(r.err()).isEmpty();
        List<String> lines = r.outLines();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).contains("channel").contains("depth").contains("inflt").contains("msgs/s").contains("conns");
        // time channel depth mem disk inflt def | req t-o msgs/s conns
        assertThat(columns(lines.get(1))).containsExactly("audit", "0", "0", "0", "0", "0", "|", "0", "0", "-", "0");
        assertThat(columns(lines.get(2))).containsExactly("billing", "5", "5", "0", "0", "0", "|", "0", "0", "-", "0");
    }

    @Test
    void throughTheLookupEveryIntervalWithARate() throws Exception {
        mesh.post("/topic/create?topic=clicks", "");
        mesh.post("/channel/create?topic=clicks&channel=counter", "");
        mesh.post("/mpub?topic=clicks", "a\nb");
        mesh.awaitRegistered("clicks");
        ToolMesh.Run r = ToolMesh.run("", "stat", "--topic", "clicks", "--channel", "counter",
                "--lookupd-http-address", mesh.lookupHttp(), "--count", "2", "--interval", "100ms");
        assertThat(r.code()).isZero();
        List<String> lines = r.outLines();
        assertThat(lines).hasSize(3);
        assertThat(columns(lines.get(1))).startsWith("counter", "2").contains("-");
        assertThat(columns(lines.get(2))).startsWith("counter", "2").contains("0.0");   // nothing published meanwhile
    }

    @Test
    void sumsOverEveryDaemonTheLookupKnows() throws Exception {
        Daemon second = Daemon.start(DaemonOptions.forTest(tmp.resolve("second"))
                .lookupdTcpAddresses(List.of("127.0.0.1:" + mesh.lookup.tcpPort())).build()).await(30, TimeUnit.SECONDS);
        try {
            String secondHttp = "127.0.0.1:" + second.httpPort();
            for (String daemon : List.of(mesh.daemonHttp(), secondHttp)) {
                ToolMesh.post(daemon, "/topic/create?topic=spread", "");
                ToolMesh.post(daemon, "/channel/create?topic=spread&channel=all", "");
            }
            mesh.post("/mpub?topic=spread", "1\n2");
            ToolMesh.post(secondHttp, "/mpub?topic=spread", "3\n4\n5");
            await().atMost(Duration.ofSeconds(20)).until(() -> producers("spread") == 2);

            ToolMesh.Run r = ToolMesh.run("", "stat", "--topic", "spread", "--lookupd-http-address", mesh.lookupHttp(),
                    "--count", "1");
            assertThat(r.err()).isEmpty();
            assertThat(columns(r.outLines().get(1))).startsWith("all", "5", "5", "0");

            // the same numbers from the daemons named directly
            r = ToolMesh.run("", "stat", "--topic", "spread", "--nsqd-http-address", mesh.daemonHttp(),
                    "--nsqd-http-address", secondHttp, "--count", "1");
            assertThat(columns(r.outLines().get(1))).startsWith("all", "5", "5", "0");
        } finally {
            second.close().await(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void unknownTopicSaysSo() {
        // nothing registered: the lookup answers 404, which is "no daemon", not an error
        ToolMesh.Run r = ToolMesh.run("", "stat", "--topic", "nothing", "--lookupd-http-address", mesh.lookupHttp(),
                "--count", "1");
        assertThat(r.code()).isZero();
        assertThat(r.outLines()).hasSize(2);
        assertThat(r.outLines().get(1)).endsWith("no daemon has topic nothing");
    }

    private int producers(String topic) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://" + mesh.lookupHttp() + "/lookup?topic=" + topic)).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? new JsonObject(r.body()).getJsonArray("producers").size() : 0;
    }

    /** The columns after the time. */
    private static List<String> columns(String line) {
        List<String> c = List.of(line.trim().split("\\s+"));
        return c.subList(1, c.size());
    }
}
