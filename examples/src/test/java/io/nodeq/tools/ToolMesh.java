package io.nodeq.tools;

import io.nodeq.daemon.Daemon;
import io.nodeq.daemon.DaemonOptions;
import io.nodeq.lookup.LookupOptions;
import io.nodeq.lookup.LookupServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A real lookup and a daemon registered with it, on port 0; closed by {@link #close()}. Test thread only. */
final class ToolMesh implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final LookupServer lookup;
    final Daemon daemon;

    ToolMesh(Path dir) throws Exception {
        lookup = LookupServer.start(LookupOptions.loopback()).await(30, TimeUnit.SECONDS);
        daemon = Daemon.start(DaemonOptions.forTest(dir)
                .lookupdTcpAddresses(List.of("127.0.0.1:" + lookup.tcpPort())).build()).await(30, TimeUnit.SECONDS);
    }

    String daemonTcp() {
        return "127.0.0.1:" + daemon.tcpPort();
    }

    String daemonHttp() {
        return "127.0.0.1:" + daemon.httpPort();
    }

    String lookupHttp() {
        return "127.0.0.1:" + lookup.httpPort();
    }

    /** POST to the daemon's HTTP API; fails unless 200. */
    String post(String pathAndQuery, String body) throws Exception {
        return post(daemonHttp(), pathAndQuery, body);
    }

    /** POST to any daemon's HTTP API; fails unless 200. */
    static String post(String httpAddress, String pathAndQuery, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + httpAddress + pathAndQuery))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(pathAndQuery + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    void pub(String topic, String body) throws Exception {
        post("/pub?topic=" + URLEncoder.encode(topic, StandardCharsets.UTF_8), body);
    }

    /** Waits until the lookup lists the daemon as a producer of {@code topic} (registration is asynchronous). */
    void awaitRegistered(String topic) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + lookupHttp()
                    + "/lookup?topic=" + URLEncoder.encode(topic, StandardCharsets.UTF_8))).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && !new JsonObject(r.body()).getJsonArray("producers").isEmpty();
        });
    }

    /** The topic's entry in {@code /stats?format=json}, or null. */
    JsonObject topicStats(String topic) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + daemonHttp()
                + "/stats?format=json&topic=" + URLEncoder.encode(topic, StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
        for (Object t : new JsonObject(r.body()).getJsonArray("topics", new JsonArray())) {
            if (topic.equals(((JsonObject) t).getString("topic_name"))) {
                return (JsonObject) t;
            }
        }
        return null;
    }

    /** Names of the topic's channels right now. */
    List<String> channels(String topic) throws Exception {
        JsonObject t = topicStats(topic);
        return t == null ? List.of() : t.getJsonArray("channels").stream()
                .map(c -> ((JsonObject) c).getString("channel_name")).toList();
    }

    @Override
    public void close() throws Exception {
        try {
            daemon.close().await(30, TimeUnit.SECONDS);
        } finally {
            lookup.close().await(30, TimeUnit.SECONDS);
        }
    }

    /** What one in-process run of {@code nodeq} printed and returned. */
    record Run(int code, String out, String err) {
        List<String> outLines() {
            return out.isEmpty() ? List.of() : List.of(out.split("\n"));
        }
    }

    static Run run(String stdin, String... args) {
        return start(stdin, new CompletableFuture<>(), args).join();
    }

    /** Runs {@code nodeq args} on another thread; completing {@code stop} is Ctrl-C. */
    static CompletableFuture<Run> start(String stdin, CompletableFuture<Void> stop, String... args) {
        InputStream in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        return CompletableFuture.supplyAsync(() -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = Nodeq.run(args, in, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), stop);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        });
    }
}
