package io.nodeq.daemon.http;

import io.nodeq.daemon.Daemon;
import io.nodeq.daemon.DaemonExtension;
import io.nodeq.daemon.DaemonOptions;
import io.nodeq.daemon.RawClient;
import io.nodeq.daemon.TestDaemons;
import io.nodeq.daemon.broker.BrokerClock;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Base of the HTTP API tests, against a real daemon: a class either registers one shared
 * {@link DaemonExtension} (tests use their own topic names) or starts a daemon of its own per test
 * with the options it needs ({@link #start}). /stats is read over HTTP on purpose.
 */
abstract class RealDaemonFixture {
    Daemon daemon;
    HttpClientSupport http;
    @TempDir
    Path dataDir;
    private Daemon own;
    private UnaryOperator<DaemonOptions.Builder> ownOptions;

    /** The class's {@code @RegisterExtension static} daemon, or null when each test starts one. */
    DaemonExtension nsqd() {
        return null;
    }

    @BeforeEach
    void connect() {
        if (nsqd() != null) {
            use(nsqd().daemon());
        }
    }

    /** A daemon of this test's own with default test options. */
    void start() {
        start(b -> b);
    }

    /** A daemon of this test's own; stopped after the test. */
    void start(UnaryOperator<DaemonOptions.Builder> options) {
        ownOptions = options;
        own = TestDaemons.start(dataDir, options);
        use(own);
    }

    /** Stops this test's own daemon and starts it again on the same data directory with the same options. */
    void restart() {
        TestDaemons.stop(own);
        start(ownOptions);
    }

    /** A daemon of this test's own whose broker tells time by {@code clock}. */
    void start(UnaryOperator<DaemonOptions.Builder> options, BrokerClock clock) {
        own = TestDaemons.start(dataDir, options, clock);
        use(own);
    }

    /** Stops this test's daemon cleanly and starts a new one on the same data directory. */
    void restart(UnaryOperator<DaemonOptions.Builder> options, BrokerClock clock) {
        TestDaemons.stop(own);
        own = null;
        start(options, clock);
    }

    private void use(Daemon d) {
        daemon = d;
        http = new HttpClientSupport(d.httpPort());
    }

    @AfterEach
    void stopOwn() {
        TestDaemons.stop(own);
        own = null;
    }

    int port() {
        return daemon.httpPort();
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

    /** Every topic name the daemon has. */
    List<String> topicNames() throws Exception {
        List<String> out = new ArrayList<>();
        JsonArray topics = stats("").getJsonArray("topics");
        if (topics != null) {
            topics.forEach(t -> out.add(((JsonObject) t).getString("topic_name")));
        }
        return out;
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

    /** Creates the topic and channel (over HTTP), publishes the bodies (over TCP) and waits until the channel has them. */
    void channelWith(String topic, String channel, String... bodies) throws Exception {
        assertThat(http.post("/topic/create?topic=" + topic).statusCode()).isEqualTo(200);
        assertThat(http.post("/channel/create?topic=" + topic + "&channel=" + channel).statusCode()).isEqualTo(200);
        long before = channel(topic, channel).getLong("depth");
        if (bodies.length > 0) {
            publish(topic, bodies);
        }
        await().atMost(Duration.ofSeconds(5))
                .until(() -> channel(topic, channel).getLong("depth") == before + bodies.length);
    }

    /** One MPUB of the bodies over TCP. */
    void publish(String topic, String... bodies) throws Exception {
        List<byte[]> raw = new ArrayList<>();
        for (String b : bodies) {
            raw.add(b.getBytes(StandardCharsets.UTF_8));
        }
        try (RawClient p = new RawClient(daemon.tcpPort())) {
            assertThat(p.mpub(topic, raw)).isEqualTo("OK");
        }
    }

    /**
     * The bodies waiting in a topic that has no channel yet, in order: a consumer on a new channel
     * takes them all (the topic then has that channel).
     */
    List<String> bodies(String topic) throws Exception {
        long depth = topicDepth(topic);
        List<String> out = new ArrayList<>();
        if (depth <= 0) {
            return out;
        }
        try (RawClient c = new RawClient(daemon.tcpPort())) {
            assertThat(c.sub(topic, "check")).isEqualTo("OK");
            c.rdy((int) depth);
            for (long i = 0; i < depth; i++) {
                RawClient.Frame m = c.readMessage();
                out.add(m.body());
                c.fin(m.id());
            }
        }
        return out;
    }
}
