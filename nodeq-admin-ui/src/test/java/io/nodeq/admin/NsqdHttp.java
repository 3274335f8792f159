package io.nodeq.admin;

import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** What a daemon itself says over its HTTP API (§2), to compare the pages with; and publishing. */
final class NsqdHttp {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private NsqdHttp() {
    }

    static JsonObject topicStats(String address, String topic) {
        JsonObject stats = Http.getAbs("http://" + address + "/stats?format=json&topic=" + topic).json();
        return stats.getJsonArray("topics").getJsonObject(0);
    }

    static long topicStat(String address, String topic, String field) {
        return topicStats(address, topic).getLong(field);
    }

    static JsonObject channelStats(String address, String topic, String channel) {
        return topicStats(address, topic).getJsonArray("channels").stream().map(JsonObject.class::cast)
                .filter(c -> c.getString("channel_name").equals(channel)).findFirst().orElseThrow();
    }

    /** POST with the parameters in the query string, as nsqadmin does; 200 expected. */
    static void post(String address, String pathAndQuery, String body) {
        try {
            HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create("http://" + address + pathAndQuery))
                    .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException(pathAndQuery + " -> " + r.statusCode() + " " + r.body());
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Whether the daemon has this endpoint: nsqd (and a nodeq daemon without the feature) answers
     * an unknown path 404 NOT_FOUND, or 405 for a known path with another method; a daemon that has
     * it answers anything else (TOPIC_NOT_FOUND for the made-up topic).
     */
    static boolean hasEndpoint(String address, String method, String path) {
        try {
            HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create("http://" + address + path
                            + "?topic=no-such-topic&channel=no-such-channel")).timeout(Duration.ofSeconds(10))
                    .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() != 405 && !(r.statusCode() == 404 && r.body().contains("\"NOT_FOUND\""));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** n messages in one {@code /mpub} (newline-separated text mode). */
    static void mpub(String address, String topic, int n) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < n; i++) {
            body.append("message-").append(i).append('\n');
        }
        post(address, "/mpub?topic=" + topic, body.toString());
    }
}
