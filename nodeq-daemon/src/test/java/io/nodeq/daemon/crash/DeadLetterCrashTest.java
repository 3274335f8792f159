package io.nodeq.daemon.crash;

import io.nodeq.daemon.DaemonProcess;
import io.nodeq.daemon.RawClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Dead-lettering over {@code kill -9}, durable topics: every message that was dead-lettered before
 * the kill is in the dead-letter topic once after it and is not delivered again in its origin
 * channel; a message with one attempt counted before the kill is dead-lettered at its next REQ.
 */
class DeadLetterCrashTest {
    private static final int DEAD = 20;

    @TempDir
    Path dir;

    @Test
    void deadLettersSurviveKill9ExactlyOnce() throws Exception {
        try (DaemonProcess d = DaemonProcess.start(dir, CrashTest.FAST_START)) {
            DaemonHttp.createTopic(d.httpPort(), "orders", "durable");
            DaemonHttp.createTopic(d.httpPort(), "orders.dead", "durable");
            DaemonHttp.post(d.httpPort(), "/channel/create?topic=orders&channel=billing&max_attempts=2"
                    + "&dead_letter_topic=orders.dead");
            try (RawClient p = new RawClient(d.tcpPort()); RawClient c = new RawClient(d.tcpPort())) {
                List<byte[]> bodies = new ArrayList<>();
                for (int i = 0; i < DEAD; i++) {
                    bodies.add(("dl-" + i).getBytes(StandardCharsets.UTF_8));
                }
                bodies.add("once".getBytes(StandardCharsets.UTF_8));
                assertThat(p.mpub("orders", bodies)).isEqualTo("OK");
                assertThat(c.sub("orders", "billing")).isEqualTo("OK");
                c.rdy(DEAD + 1);
                // every dl-* is REQ'd twice (dead-lettered at the second); "once" only the first time
                for (int read = 0; read < 2 * (DEAD + 1); read++) {
                    RawClient.Frame m = c.readMessage();
                    if (m.body().startsWith("dl-") || m.attempts() == 1) {
                        c.req(m.id(), 0);
                    }
                }
                await().atMost(Duration.ofSeconds(20)).until(() ->
                        DaemonHttp.channelStats(d.httpPort(), "orders", "billing").getLong("dead_lettered_count") == DEAD);
                // a durable publish's OK comes after the group write that carries the channel's
                // journal so far (the FINs of the dead letters included)
                assertThat(p.pub("orders", "marker")).isEqualTo("OK");
                d.kill();
            }
        }

        try (DaemonProcess d = DaemonProcess.start(dir, CrashTest.FAST_START); RawClient c = new RawClient(d.tcpPort())) {
            assertThat(c.sub("orders", "billing")).isEqualTo("OK");
            c.rdy(DEAD + 2);
            List<String> again = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                RawClient.Frame m = c.readMessage();
                again.add(m.body());
                if (m.body().equals("once")) {
                    assertThat(m.attempts()).as("attempts of 'once' counted before the kill").isEqualTo(2);
                    c.req(m.id(), 0);
                } else {
                    c.fin(m.id());
                }
            }
            assertThat(again).containsExactlyInAnyOrder("once", "marker");
            assertThat(c.quietFor(500)).as("no dead letter comes back to its origin channel").isTrue();

            await().atMost(Duration.ofSeconds(20)).until(() ->
                    DaemonHttp.channelStats(d.httpPort(), "orders", "billing").getLong("dead_lettered_count") == 1);
            List<String> dead = new ArrayList<>();
            try (RawClient inspect = new RawClient(d.tcpPort())) {
                assertThat(inspect.sub("orders.dead", "inspect")).isEqualTo("OK");
                inspect.rdy(DEAD + 2);
                for (int i = 0; i < DEAD + 1; i++) {
                    RawClient.Frame m = inspect.readMessage();
                    dead.add(m.body());
                    inspect.fin(m.id());
                }
                assertThat(inspect.quietFor(500)).as("each dead letter once").isTrue();
            }
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < DEAD; i++) {
                expected.add("dl-" + i);
            }
            expected.add("once");
            assertThat(dead).containsExactlyInAnyOrderElementsOf(expected);
            JsonObject billing = DaemonHttp.channelStats(d.httpPort(), "orders", "billing");
            assertThat(billing.getLong("depth") + billing.getLong("in_flight_count")).isZero();
            d.terminate();
        }
    }
}
