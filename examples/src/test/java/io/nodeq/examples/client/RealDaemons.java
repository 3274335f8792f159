package io.nodeq.examples.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nodeq.client.NsqAddress;
import io.nodeq.daemon.Daemon;
import io.nodeq.daemon.DaemonOptions;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Real nodeq daemons on port 0 with their own data directories, closed by {@link #close()}. Test thread only. */
final class RealDaemons implements AutoCloseable {
    private final Path root;
    private final List<Daemon> running = new ArrayList<>();
    private int next;

    RealDaemons(Path root) {
        this.root = root;
    }

    Daemon start() throws Exception {
        return start(root.resolve("d" + next++), "127.0.0.1:0");
    }

    /** Starts a daemon on a given data directory and TCP address (to restart one in place). */
    Daemon start(Path dataPath, String tcpAddress) throws Exception {
        Daemon d = Daemon.start(DaemonOptions.forTest(dataPath).tcpAddress(tcpAddress).build())
                .await(20, TimeUnit.SECONDS);
        running.add(d);
        return d;
    }

    void stop(Daemon d) throws Exception {
        running.remove(d);
        d.close().await(20, TimeUnit.SECONDS);
    }

    static NsqAddress tcp(Daemon d) {
        return new NsqAddress("127.0.0.1", d.tcpPort());
    }

    /** The channel's entry in the daemon's {@code /stats?format=json}, or a missing node. */
    static JsonNode channelStats(Daemon d, String topic, String channel) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + d.httpPort() + "/stats?format=json&topic=" + topic)).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode root = new ObjectMapper().readTree(r.body());
        JsonNode topics = root.has("topics") ? root.get("topics") : root.path("data").path("topics");
        for (JsonNode t : topics) {
            if (topic.equals(t.path("topic_name").asText())) {
                for (JsonNode c : t.path("channels")) {
                    if (channel.equals(c.path("channel_name").asText())) {
                        return c;
                    }
                }
            }
        }
        return new ObjectMapper().missingNode();
    }

    @Override
    public void close() throws Exception {
        for (Daemon d : new ArrayList<>(running)) {
            stop(d);
        }
    }
}
