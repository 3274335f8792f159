package io.nodeq.daemon.crash;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The few HTTP calls the crash tests make to a daemon process: create, publish, and read /stats and /metrics. */
final class DaemonHttp {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private DaemonHttp() {
    }

    /** POST /topic/create, with {@code &durability=...} unless {@code durability} is null. */
    static void createTopic(int httpPort, String topic, String durability) throws IOException, InterruptedException {
        post(httpPort, "/topic/create?topic=" + enc(topic) + (durability == null ? "" : "&durability=" + enc(durability)));
    }

    /** POST /topic/create with extra query parameters ({@code "&dedup_window=10m"}). */
    static void createTopicWith(int httpPort, String topic, String query) throws IOException, InterruptedException {
        post(httpPort, "/topic/create?topic=" + enc(topic) + query);
    }

    /** POST /pub with request headers as name/value pairs; the response body (OK). */
    static String pub(int httpPort, String topic, String body, String... headers) throws IOException, InterruptedException {
        HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(uri(httpPort, "/pub?topic=" + enc(topic)))
                .timeout(Duration.ofSeconds(10)).headers(headers).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("POST /pub -> " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    /** The topic's object from {@code /stats?format=json}; null while the daemon has no such topic. */
    static JsonObject topicStats(int httpPort, String topic) throws IOException, InterruptedException {
        JsonObject stats = new JsonObject(get(httpPort, "/stats?format=json&topic=" + enc(topic)));
        for (Object t : stats.getJsonArray("topics", new io.vertx.core.json.JsonArray())) {
            if (topic.equals(((JsonObject) t).getString("topic_name"))) {
                return (JsonObject) t;
            }
        }
        return null;
    }

    /** GET /metrics: the Prometheus text. */
    static String metrics(int httpPort) throws IOException, InterruptedException {
        return get(httpPort, "/metrics");
    }

    static void createChannel(int httpPort, String topic, String channel) throws IOException, InterruptedException {
        post(httpPort, "/channel/create?topic=" + enc(topic) + "&channel=" + enc(channel));
    }

    /** The topic's {@code durability} in {@code /stats?format=json}, or "(not shown)" (older daemons have no such key). */
    static String topicDurability(int httpPort, String topic) throws IOException, InterruptedException {
        JsonObject stats = new JsonObject(get(httpPort, "/stats?format=json&topic=" + enc(topic)));
        for (Object t : stats.getJsonArray("topics", new io.vertx.core.json.JsonArray())) {
            JsonObject to = (JsonObject) t;
            if (topic.equals(to.getString("topic_name"))) {
                Object d = to.getValue("durability");
                return d == null ? "(not shown)" : d.toString();
            }
        }
        return "(no topic)";
    }

    /** The channel's object from {@code /stats?format=json}; null while the daemon has no such channel. */
    static JsonObject channelStats(int httpPort, String topic, String channel) throws IOException, InterruptedException {
        JsonObject stats = new JsonObject(get(httpPort, "/stats?format=json&topic=" + enc(topic) + "&channel=" + enc(channel)));
        for (Object t : stats.getJsonArray("topics", new io.vertx.core.json.JsonArray())) {
            JsonObject to = (JsonObject) t;
            if (topic.equals(to.getString("topic_name"))) {
                for (Object c : to.getJsonArray("channels")) {
                    if (channel.equals(((JsonObject) c).getString("channel_name"))) {
                        return (JsonObject) c;
                    }
                }
            }
        }
        return null;
    }

    /** True when the channel exists and holds nothing queued, in flight or deferred. */
    static boolean drained(int httpPort, String topic, String channel) throws IOException, InterruptedException {
        JsonObject c = channelStats(httpPort, topic, channel);
        return c != null && c.getLong("depth") == 0 && c.getLong("in_flight_count") == 0 && c.getLong("deferred_count") == 0;
    }

    private static void post(int port, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(uri(port, path)).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("POST " + path + " -> " + r.statusCode() + " " + r.body());
        }
    }

    private static String get(int port, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(uri(port, path)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + path + " -> " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    private static URI uri(int port, String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
