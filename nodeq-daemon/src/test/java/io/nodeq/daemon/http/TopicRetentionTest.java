package io.nodeq.daemon.http;

import io.nodeq.daemon.DaemonOptions;
import io.nodeq.daemon.RawClient;
import io.nodeq.daemon.broker.ManualClock;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A topic's {@code retention} against a real daemon whose broker clock the test moves: segments
 * every channel is past stay while their newest record is inside the window and go once the clock
 * passes it; a rewind inside the window brings back everything published since.
 */
class TopicRetentionTest extends RealDaemonFixture {
    /** Small segments and hot tail, a sync tick (the retention pass) every 50 ms. */
    private static final UnaryOperator<DaemonOptions.Builder> SMALL = b -> b.maxBytesPerFile(1024).memQueueSize(4)
            .syncTimeout(Duration.ofMillis(50));
    private final ManualClock clock = new ManualClock();

    @Test
    void consumedSegmentsStayInsideTheWindowAndGoOnceTheClockPassesIt() throws Exception {
        start(SMALL, clock);
        long t0Ms = clock.epochMillis();
        createWithRetention("kept", "1h");
        publishBatch("kept", "a", 60);
        clock.advance(Duration.ofMinutes(30));
        publishBatch("kept", "b", 60);
        consumeAll("kept", 120);
        int all = segments("kept");
        assertThat(all).isGreaterThan(6);
        await().atMost(Duration.ofSeconds(5)).until(() -> topic("kept").getLong("retained_from") == t0Ms);

        clock.advance(Duration.ofMinutes(29)); // a is 59 minutes old
        stays("kept", all);

        clock.advance(Duration.ofMinutes(2)); // a is 61 minutes old, b 31
        await().atMost(Duration.ofSeconds(5)).until(() -> segments("kept") < all);
        int withB = segments("kept");
        assertThat(withB).isGreaterThan(1);
        stays("kept", withB); // b's segments are still inside the window

        clock.advance(Duration.ofMinutes(30)); // b is 61 minutes old
        await().atMost(Duration.ofSeconds(5)).until(() -> segments("kept") == 1); // the active one always stays
        await().atMost(Duration.ofSeconds(5))
                .until(() -> topic("kept").getLong("retained_from") == t0Ms + Duration.ofMinutes(30).toMillis());
    }

    @Test
    void aRewindInsideTheWindowBringsBackEverythingSinceTheTime() throws Exception {
        start(SMALL, clock);
        createWithRetention("window", "24h");
        publishBatch("window", "a", 50);
        clock.advance(Duration.ofHours(1));
        publishBatch("window", "b", 50);
        try (RawClient c = new RawClient(daemon.tcpPort())) {
            assertThat(c.sub("window", "ch")).isEqualTo("OK");
            consume(c, 100);
            // delivered from memory; the lane writes memory-first records a few ms later
            int all = await().atMost(Duration.ofSeconds(5)).during(Duration.ofMillis(200))
                    .until(() -> segments("window"), n -> n > 0);
            stays("window", all); // without retention these would go now (see SegmentRetentionTest)

            HttpResponse<String> r = http.post("/channel/rewind?topic=window&channel=ch&to=0");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(new JsonObject(r.body())).isEqualTo(new JsonObject().put("from_seq", 0).put("messages", 100));
            List<String> again = consume(c, 100);
            for (int i = 0; i < 50; i++) {
                assertThat(again.get(i)).startsWith("a-" + i + "-");
                assertThat(again.get(50 + i)).startsWith("b-" + i + "-");
            }
            assertThat(c.quietFor(300)).isTrue();
        }
    }

    @Test
    void retentionAppliesAtStartToWhatAgedWhileTheDaemonWasDown() throws Exception {
        UnaryOperator<DaemonOptions.Builder> rareTicks = b -> SMALL.apply(b).syncTimeout(Duration.ofHours(1));
        start(rareTicks, clock);
        createWithRetention("aged", "1h");
        publishBatch("aged", "a", 60);
        consumeAll("aged", 60);
        int all = segments("aged");
        assertThat(all).isGreaterThan(3);
        clock.advance(Duration.ofHours(2));
        // no sync tick ran (an hour apart): the pass at start deletes them
        restart(rareTicks, clock);
        await().atMost(Duration.ofSeconds(5)).until(() -> segments("aged") == 1);
    }

    private void createWithRetention(String topic, String retention) throws Exception {
        assertThat(http.post("/topic/create?topic=" + topic + "&retention=" + retention).statusCode()).isEqualTo(200);
        assertThat(http.post("/channel/create?topic=" + topic + "&channel=ch").statusCode()).isEqualTo(200);
    }

    private void publishBatch(String topic, String prefix, int n) throws Exception {
        String[] bodies = new String[n];
        for (int i = 0; i < n; i++) {
            bodies[i] = prefix + "-" + i + "-" + "x".repeat(40);
        }
        publish(topic, bodies);
    }

    private void consumeAll(String topic, int n) throws Exception {
        try (RawClient c = new RawClient(daemon.tcpPort())) {
            assertThat(c.sub(topic, "ch")).isEqualTo("OK");
            consume(c, n);
            await().atMost(Duration.ofSeconds(5)).until(() -> channel(topic, "ch").getLong("in_flight_count") == 0);
        }
    }

    private static List<String> consume(RawClient c, int n) throws Exception {
        c.rdy(n);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            RawClient.Frame f = c.readMessage();
            out.add(f.body());
            c.fin(f.id());
        }
        return out;
    }

    /** The segment count holds over several sync ticks. */
    private void stays(String topic, int count) {
        await().during(Duration.ofMillis(400)).atMost(Duration.ofSeconds(2)).until(() -> segments(topic) == count);
    }

    private int segments(String topic) throws Exception {
        Path log = dataDir.resolve("topics").resolve(topic).resolve("log");
        if (!Files.isDirectory(log)) {
            return 0; // not written yet
        }
        try (Stream<Path> s = Files.list(log)) {
            return (int) s.filter(p -> p.getFileName().toString().endsWith(".seg")).count();
        }
    }
}
