package io.nodeq.daemon.http;

import io.nodeq.daemon.Daemon;
import io.nodeq.daemon.DaemonExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Base of the §6.2 checklist tests against a real daemon: each class registers one shared
 * {@link DaemonExtension} (tests use their own topic names); /stats is read over HTTP on purpose.
 */
abstract class RealDaemonFixture {
    Daemon daemon;
    HttpClientSupport http;

    /** The class's {@code @RegisterExtension static} daemon. */
    abstract DaemonExtension nsqd();

    @BeforeEach
    void connect() {
        daemon = nsqd().daemon();
        http = new HttpClientSupport(daemon.httpPort());
    }

    JsonObject stats(String query) throws Exception {
        HttpResponse<String> r = http.get("/stats?format=json&include_mem=false" + query);
        assertThat(r.statusCode()).isEqualTo(200);
        return new JsonObject(r.body());
    }

    /** The topic's stats object, or null when the daemon does not have it. */
    JsonObject topic(String name) throws Exception {
        JsonArray topics = stats("&topic=" + name).getJsonArray("topics");
        return topics == null || topics.isEmpty() ? null : topics.getJsonObject(0);
    }

    JsonObject channel(String topic, String channel) throws Exception {
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

    long topicDepth(String name) throws Exception {
        JsonObject t = topic(name);
        return t == null ? -1 : t.getLong("depth");
    }
}
