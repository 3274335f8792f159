package io.nodeq.daemon.http;

import io.nodeq.daemon.DaemonOptions;
import io.nodeq.daemon.DaemonProcess;
import io.nodeq.daemon.RawClient;
import io.nodeq.daemon.broker.ManualClock;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static io.nodeq.daemon.http.HttpClientSupport.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code POST /channel/rewind} against a real daemon whose broker clock the test moves: exactly the
 * retained messages published since the time come again, once each, in log order, and the rewind
 * survives a restart and a kill -9.
 */
class RewindApiTest extends RealDaemonFixture {
    private static final UnaryOperator<DaemonOptions.Builder> DEFAULTS = b -> b;
    private final ManualClock clock = new ManualClock();

    @Test
    void aRewindToBetweenTwoBatchesRedeliversExactlyTheSecond() throws Exception {
        start(DEFAULTS, clock);
        long batchA = clock.epochNanos();
        channelWith("ab", "ch", "a0", "a1", "a2");
        clock.advance(Duration.ofHours(1));
        publish("ab", "b0", "b1", "b2", "b3");
        try (RawClient c = new RawClient(daemon.tcpPort())) {
            assertThat(c.sub("ab", "ch")).isEqualTo("OK");
            List<RawClient.Frame> first = consume(c, 7);
            assertThat(bodiesOf(first)).containsExactly("a0", "a1", "a2", "b0", "b1", "b2", "b3");
            await().atMost(Duration.ofSeconds(5)).until(() -> channel("ab", "ch").getLong("in_flight_count") == 0);

            String between = Instant.ofEpochSecond(0, batchA + Duration.ofMinutes(30).toNanos()).toString();
            assertThat(rewind("ab", "ch", between)).isEqualTo(new JsonObject().put("from_seq", 3).put("messages", 4));

            List<RawClient.Frame> again = consume(c, 4);
            assertThat(bodiesOf(again)).containsExactly("b0", "b1", "b2", "b3");
            for (int i = 0; i < 4; i++) {
                assertThat(again.get(i).id()).isEqualTo(first.get(3 + i).id());
                assertThat(again.get(i).attempts()).isEqualTo(1);
            }
            assertThat(c.quietFor(300)).isTrue();
        }
        assertThat(channel("ab", "ch").getLong("depth")).isZero();
    }

    @Test
    void depthShowsTheRewoundMessagesAndInFlightOnesAreNotDuplicated() throws Exception {
        start(DEFAULTS, clock);
        channelWith("held", "ch", "m0", "m1", "m2", "m3", "m4");
        try (RawClient c = new RawClient(daemon.tcpPort())) {
            assertThat(c.sub("held", "ch")).isEqualTo("OK");
            c.rdy(5);
            List<RawClient.Frame> got = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                got.add(c.readMessage());
            }
            c.rdy(0);
            for (RawClient.Frame f : got) {
                if (!f.body().equals("m2")) {
                    c.fin(f.id());
                }
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> channel("held", "ch").getLong("in_flight_count") == 1);

            // Unix milliseconds: 0 is before everything
            assertThat(rewind("held", "ch", "0")).isEqualTo(new JsonObject().put("from_seq", 0).put("messages", 4));
            JsonObject stats = channel("held", "ch");
            assertThat(stats.getLong("depth")).isEqualTo(4);
            assertThat(stats.getLong("in_flight_count")).isEqualTo(1);
            assertThat(PeekApiTest.bodies(peekAll("held"))).containsExactly("m0", "m1", "m3", "m4");

            assertThat(bodiesOf(consume(c, 4))).containsExactly("m0", "m1", "m3", "m4");
            c.fin(got.get(2).id()); // the one in flight all along
            assertThat(c.quietFor(300)).isTrue();
        }
    }

    @Test
    void withoutRetentionOnlyTheRetainedSegmentsComeBack() throws Exception {
        UnaryOperator<DaemonOptions.Builder> small = b -> b.maxBytesPerFile(1024).memQueueSize(4)
                .syncTimeout(Duration.ofMillis(100));
        start(small, clock);
        String[] bodies = new String[100];
        for (int i = 0; i < bodies.length; i++) {
            bodies[i] = "gone-" + i + "-" + "x".repeat(40);
        }
        channelWith("gone", "ch", bodies);
        try (RawClient c = new RawClient(daemon.tcpPort())) {
            assertThat(c.sub("gone", "ch")).isEqualTo("OK");
            consume(c, 100);
            // every channel is past every full segment: only the active one stays
            await().atMost(Duration.ofSeconds(10)).until(() -> segments("gone") == 1);

            JsonObject r = rewind("gone", "ch", "0");
            long from = r.getLong("from_seq");
            assertThat(from).isBetween(1L, 99L);
            assertThat(r.getLong("messages")).isEqualTo(100 - from);
            List<String> expected = List.of(bodies).subList((int) from, 100);
            assertThat(bodiesOf(consume(c, expected.size()))).containsExactlyElementsOf(expected);
            assertThat(c.quietFor(300)).isTrue();
        }
    }

    @Test
    void aRewindSurvivesARestart() throws Exception {
        start(DEFAULTS, clock);
        long batchA = clock.epochNanos();
        channelWith("again", "ch", "a0", "a1");
        clock.advance(Duration.ofMinutes(10));
        publish("again", "b0", "b1", "b2");
        try (RawClient c = new RawClient(daemon.tcpPort())) {
            assertThat(c.sub("again", "ch")).isEqualTo("OK");
            consume(c, 5);
            await().atMost(Duration.ofSeconds(5)).until(() -> channel("again", "ch").getLong("in_flight_count") == 0);
            long toMs = (batchA + Duration.ofMinutes(5).toNanos()) / 1_000_000;
            assertThat(rewind("again", "ch", Long.toString(toMs)).getLong("messages")).isEqualTo(3);
        }
        restart(DEFAULTS, clock);
        assertThat(channel("again", "ch").getLong("depth")).isEqualTo(3);
        try (RawClient c = new RawClient(daemon.tcpPort())) {
            assertThat(c.sub("again", "ch")).isEqualTo("OK");
            assertThat(bodiesOf(consume(c, 3))).containsExactly("b0", "b1", "b2");
            assertThat(c.quietFor(300)).isTrue();
        }
    }

    @Test
    void aRewindOfADurableTopicSurvivesKillDashNine() throws Exception {
        Path dir = dataDir.resolve("crash");
        long lastA;
        try (DaemonProcess d = DaemonProcess.start(dir)) {
            http = new HttpClientSupport(d.httpPort());
            assertThat(http.post("/topic/create?topic=dur&durability=durable").statusCode()).isEqualTo(200);
            assertThat(http.post("/channel/create?topic=dur&channel=ch").statusCode()).isEqualTo(200);
            try (RawClient c = new RawClient(d.tcpPort())) {
                publish(d.tcpPort(), "dur", "a0", "a1");
                assertThat(c.sub("dur", "ch")).isEqualTo("OK");
                lastA = consume(c, 2).get(1).timestamp();
                publish(d.tcpPort(), "dur", "b0", "b1", "b2");
                assertThat(bodiesOf(consume(c, 3))).containsExactly("b0", "b1", "b2");
                await().atMost(Duration.ofSeconds(5)).until(() -> channel("dur", "ch").getLong("in_flight_count") == 0);
            }
            String justAfterA = Instant.ofEpochSecond(0, lastA + 1).toString();
            assertThat(rewind("dur", "ch", justAfterA)).isEqualTo(new JsonObject().put("from_seq", 2).put("messages", 3));
            assertThat(d.output()).anyMatch(l -> l.contains("CHANNEL(dur:ch): rewound to") && l.contains("(seq 2)"));
            d.kill();
        }
        try (DaemonProcess d = DaemonProcess.start(dir)) {
            http = new HttpClientSupport(d.httpPort());
            assertThat(channel("dur", "ch").getLong("depth")).isEqualTo(3);
            try (RawClient c = new RawClient(d.tcpPort())) {
                assertThat(c.sub("dur", "ch")).isEqualTo("OK");
                assertThat(bodiesOf(consume(c, 3))).containsExactly("b0", "b1", "b2");
                assertThat(c.quietFor(300)).isTrue();
            }
        }
    }

    @Test
    void aChannelWithoutALogCannotRewind() throws Exception {
        start(DEFAULTS, clock);
        assertThat(http.post("/topic/create?topic=eph%23ephemeral").statusCode()).isEqualTo(200);
        assertThat(http.post("/channel/create?topic=eph%23ephemeral&channel=ch").statusCode()).isEqualTo(200);
        assertError(http.post("/channel/rewind?topic=eph%23ephemeral&channel=ch&to=0"), 400, "EPHEMERAL_TOPIC");
        channelWith("plain", "ch", "x");
        assertThat(http.post("/channel/create?topic=plain&channel=ch%23ephemeral").statusCode()).isEqualTo(200);
        assertError(http.post("/channel/rewind?topic=plain&channel=ch%23ephemeral&to=0"), 400, "EPHEMERAL_CHANNEL");
    }

    @Test
    void badRequestsGetNsqStyleErrors() throws Exception {
        start(DEFAULTS, clock);
        channelWith("bad", "ch", "x");
        assertError(http.post("/channel/rewind?topic=bad&channel=ch"), 400, "MISSING_ARG_TO");
        for (String to : new String[] {"", "yesterday", "2026-13-01T00:00:00Z", "2026-12-02", "-5",
                "99999999999999999999"}) {
            assertError(http.post("/channel/rewind?topic=bad&channel=ch&to=" + to), 400, "INVALID_TO");
        }
        assertError(http.post("/channel/rewind?channel=ch&to=0"), 400, "MISSING_ARG_TOPIC");
        assertError(http.post("/channel/rewind?topic=nope&channel=ch&to=0"), 404, "TOPIC_NOT_FOUND");
        assertError(http.post("/channel/rewind?topic=bad&channel=nope&to=0"), 404, "CHANNEL_NOT_FOUND");
        assertError(http.get("/channel/rewind?topic=bad&channel=ch&to=0"), 405, "METHOD_NOT_ALLOWED");
        // an offset whose '+' was not URL-encoded still parses
        assertThat(http.post("/channel/rewind?topic=bad&channel=ch&to=2026-12-02T10:00:00+01:00").statusCode())
                .isEqualTo(200);
        assertThat(channel("bad", "ch").getLong("depth")).isEqualTo(1);
    }

    private JsonObject rewind(String topic, String channel, String to) throws Exception {
        HttpResponse<String> r = http.post("/channel/rewind?topic=" + topic + "&channel=" + channel + "&to=" + to);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonObject(r.body());
    }

    private io.vertx.core.json.JsonArray peekAll(String topic) throws Exception {
        HttpResponse<String> r = http.get("/channel/peek?topic=" + topic + "&channel=ch&n=1000");
        assertThat(r.statusCode()).isEqualTo(200);
        return new JsonObject(r.body()).getJsonArray("messages");
    }

    /** Reads {@code n} messages with RDY n and FINs them all. */
    private static List<RawClient.Frame> consume(RawClient c, int n) throws Exception {
        c.rdy(n);
        List<RawClient.Frame> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            RawClient.Frame f = c.readMessage();
            out.add(f);
            c.fin(f.id());
        }
        return out;
    }

    private static List<String> bodiesOf(List<RawClient.Frame> frames) {
        return frames.stream().map(RawClient.Frame::body).toList();
    }

    private static void publish(int tcpPort, String topic, String... bodies) throws Exception {
        try (RawClient p = new RawClient(tcpPort)) {
            for (String b : bodies) {
                assertThat(p.pub(topic, b)).isEqualTo("OK");
            }
        }
    }

    private long segments(String topic) throws Exception {
        Path log = dataDir.resolve("topics").resolve(topic).resolve("log");
        if (!Files.isDirectory(log)) {
            return 0; // not written yet
        }
        try (Stream<Path> s = Files.list(log)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".seg")).count();
        }
    }
}
