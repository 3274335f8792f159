package io.nodeq.tools;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code nodeq tail} against a real daemon and lookup. */
class TailCommandTest extends ToolMeshTestBase {
    @Test
    void printsWhatIsPublishedAfterItSubscribedThenExitsAfterN() throws Exception {
        mesh.post("/topic/create?topic=logs", "");
        mesh.post("/channel/create?topic=logs&channel=archive", "");   // another channel: tail must get its own copy
        CompletableFuture<ToolMesh.Run> tail = ToolMesh.start("", new CompletableFuture<>(),
                "tail", "--topic", "logs", "--nsqd-tcp-address", mesh.daemonTcp(), "--n", "3");
        await().atMost(Duration.ofSeconds(20)).until(() -> mesh.channels("logs").stream()
                .anyMatch(c -> c.startsWith("tail") && c.endsWith("#ephemeral")));
        for (String body : new String[]{"first line", "second", "third {\"json\": true}", "fourth"}) {
            mesh.pub("logs", body);
        }
        ToolMesh.Run r = tail.get(30, TimeUnit.SECONDS);
        assertThat(r.code()).isZero();
        assertThat(r.outLines()).containsExactly("first line", "second", "third {\"json\": true}");
        // ephemeral: gone with its last client, the durable channel still has all four
        await().atMost(Duration.ofSeconds(10)).until(() -> mesh.channels("logs").size() == 1);
        assertThat(mesh.channels("logs")).containsExactly("archive");
    }

    @Test
    void findsTheDaemonThroughTheLookup() throws Exception {
        mesh.pub("found", "one");   // creates the topic, which the daemon registers with the lookup
        mesh.pub("found", "two");
        mesh.awaitRegistered("found");
        ToolMesh.Run r = ToolMesh.start("", new CompletableFuture<>(), "tail", "--topic", "found",
                "--lookupd-http-address", mesh.lookupHttp(), "--n", "2").get(30, TimeUnit.SECONDS);
        assertThat(r.code()).isZero();
        assertThat(r.outLines()).containsExactlyInAnyOrder("one", "two");
    }

    @Test
    void stopSignalEndsTailCleanlyOnANamedChannel() throws Exception {
        CompletableFuture<Void> ctrlC = new CompletableFuture<>();
        CompletableFuture<ToolMesh.Run> tail = ToolMesh.start("", ctrlC,
                "tail", "--topic", "quiet", "--channel", "watch", "--nsqd-tcp-address", mesh.daemonTcp());
        await().atMost(Duration.ofSeconds(20)).until(() -> clients("quiet", "watch") == 1);
        mesh.pub("quiet", "only");
        await().atMost(Duration.ofSeconds(20)).until(() -> mesh.topicStats("quiet").getJsonArray("channels")
                .getJsonObject(0).getLong("message_count") == 1
                && mesh.topicStats("quiet").getJsonArray("channels").getJsonObject(0).getLong("in_flight_count") == 0);
        ctrlC.complete(null);
        ToolMesh.Run r = tail.get(30, TimeUnit.SECONDS);
        assertThat(r.code()).isZero();
        assertThat(r.outLines()).containsExactly("only");
        // clean stop: disconnected, the printed message finished (not left in flight or requeued)
        assertThat(clients("quiet", "watch")).isZero();
        assertThat(mesh.topicStats("quiet").getJsonArray("channels").getJsonObject(0).getLong("depth")).isZero();
        assertThat(mesh.topicStats("quiet").getJsonArray("channels").getJsonObject(0).getLong("requeue_count")).isZero();
    }

    @Test
    void stopsWhenStdoutIsGoneAndLeavesTheMessageQueued() throws Exception {
        mesh.pub("piped", "never shown");
        java.io.PrintStream closedPipe = new java.io.PrintStream(new java.io.OutputStream() {
            @Override
            public void write(int b) throws java.io.IOException {
                throw new java.io.IOException("Broken pipe");
            }
        });
        int code = CompletableFuture.supplyAsync(() -> Nodeq.run(new String[]{"tail", "--topic", "piped", "--channel", "kept",
                "--nsqd-tcp-address", mesh.daemonTcp()}, java.io.InputStream.nullInputStream(), closedPipe, System.err))
                .get(30, TimeUnit.SECONDS);
        assertThat(code).isZero();
        // not printed, so not finished: requeued for the next reader of the channel
        await().atMost(Duration.ofSeconds(10)).until(() -> mesh.topicStats("piped").getJsonArray("channels")
                .getJsonObject(0).getLong("depth") == 1);
    }

    private long clients(String topic, String channel) throws Exception {
        var t = mesh.topicStats(topic);
        if (t == null) {
            return -1;
        }
        for (Object c : t.getJsonArray("channels")) {
            var ch = (io.vertx.core.json.JsonObject) c;
            if (channel.equals(ch.getString("channel_name"))) {
                return ch.getLong("client_count");
            }
        }
        return -1;
    }
}
