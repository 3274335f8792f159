package io.nodeq.daemon.http;

import io.nodeq.daemon.Daemon;
import io.nodeq.daemon.DaemonOptions;
import io.nodeq.daemon.TestDaemons;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Base of the §6.2 checklist tests against a real daemon: one daemon per test class on
 * 127.0.0.1:0 (tests use their own topic names), plus /stats helpers.
 */
abstract class RealDaemonFixture {
    @TempDir
    static Path dir;
    static Daemon daemon;
    static HttpClientSupport http;

    static void startDaemon(UnaryOperator<DaemonOptions.Builder> options) {
        daemon = TestDaemons.start(dir, options);
        http = new HttpClientSupport(daemon.httpPort());
    }

    @AfterAll
    static void stopDaemon() {
        TestDaemons.stop(daemon);
        daemon = null;
    }

    static JsonObject stats(String query) throws Exception {
        HttpResponse<String> r = http.get("/stats?format=json&include_mem=false" + query);
        assertThat(r.statusCode()).isEqualTo(200);
        return new JsonObject(r.body());
    }

    /** The topic's stats object, or null when the daemon does not have it. */
    static JsonObject topic(String name) throws Exception {
        JsonArray topics = stats("&topic=" + name).getJsonArray("topics");
        return topics == null || topics.isEmpty() ? null : topics.getJsonObject(0);
    }

    static JsonObject channel(String topic, String channel) throws Exception {
        JsonObject t = topic(topic);
        if (t == null) {
            return null;
        }
        for (Object c : t.getJsonArray("channels")) {
            JsonObject ch = (JsonObject) c;
            if (ch.getString("channel_name").equals(channel)) {
                return ch;
            }
        }
        return null;
    }

    static long topicDepth(String name) throws Exception {
        JsonObject t = topic(name);
        return t == null ? -1 : t.getLong("depth");
    }
}
