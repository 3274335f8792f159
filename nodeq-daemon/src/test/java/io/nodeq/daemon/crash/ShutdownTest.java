package io.nodeq.daemon.crash;

import io.nodeq.daemon.DaemonProcess;
import io.nodeq.daemon.RawClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * storage.md §1, SIGTERM row, for a memory-first and a durable topic in one daemon: under
 * publish/consume load the consumers stop cleanly (CLS, CLOSE_WAIT: every FIN they sent was
 * processed), deferred messages are published, the daemon gets SIGTERM and is started again on the
 * same data path. Then: no acknowledged message lost, no FIN'd message delivered again, and each
 * deferred message arrives at its due time (not at once, not before).
 */
class ShutdownTest {
    private static final String CHANNEL = "ch";
    private static final int PUBLISHERS_PER_TOPIC = 2;
    /**
     * 2-4 s as a consumer would defer; a stop and start takes 3-5 s on a busy 2-core box, so those come
     * due before the restart (they must then arrive promptly); 6-10 s come due after it, which is
     * what tells "at its due time" from "at once".
     */
    private static final long[] DEFERS_MS = {2_000, 3_000, 4_000, 6_000, 8_000, 10_000};
    /** How many of each topic's deferred messages must fall due after the restart for the test to mean anything. */
    private static final int DUE_AFTER_RESTART = 2;
    /** Acknowledged messages per topic before the stop: enough for both queued and delivered ones. */
    private static final int LOAD = 5_000;

    @TempDir
    Path dir;

    /** One topic's clients and what they saw. */
    private static final class TopicLoad {
        final String topic;
        final String durability;
        final Ledger ledger = new Ledger();
        final List<LoadPublisher> publishers = new ArrayList<>();
        final Map<String, Long> deferredDue = new LinkedHashMap<>();
        RecordingConsumer consumer;

        TopicLoad(String topic, String durability, int firstPublisher, long seed) {
            this.topic = topic;
            this.durability = durability;
            for (int i = 0; i < PUBLISHERS_PER_TOPIC; i++) {
                publishers.add(new LoadPublisher(firstPublisher + i, topic, ledger, seed));
            }
        }

        String label() {
            return topic + " (" + (durability == null ? "memory-first, default" : durability) + ")";
        }
    }

    @Test
    void sigtermLosesNothingAcknowledgedRedeliversNothingFinishedKeepsDueTimes() throws Exception {
        long seed = CrashTest.seed();
        System.out.printf("ShutdownTest: seed %d%n", seed);
        List<TopicLoad> loads = List.of(new TopicLoad("sd_mem", null, 0, seed), new TopicLoad("sd_dur", "durable", 10, seed));

        try (DaemonProcess d = DaemonProcess.start(dir, CrashTest.FAST_START)) {
            for (TopicLoad l : loads) {
                DaemonHttp.createTopic(d.httpPort(), l.topic, l.durability);
                DaemonHttp.createChannel(d.httpPort(), l.topic, CHANNEL);
                System.out.printf("ShutdownTest %s: /stats shows durability %s%n", l.label(), DaemonHttp.topicDurability(d.httpPort(), l.topic));
                l.consumer = new RecordingConsumer(l.topic, CHANNEL, 100, l.ledger);
                l.consumer.start(d.tcpPort());
                l.publishers.forEach(p -> p.start(d.tcpPort()));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> loads.stream().allMatch(l -> l.ledger.ackedCount() >= LOAD));
            try (RawClient p = new RawClient(d.tcpPort())) {
                for (TopicLoad l : loads) {
                    for (int k = 0; k < DEFERS_MS.length; k++) {
                        String body = "d-" + l.topic + "-" + k;
                        // the daemon fixes the due time between our send and its OK: due >= now + defer
                        long due = System.currentTimeMillis() + DEFERS_MS[k];
                        p.dpub(l.topic, DEFERS_MS[k], body);
                        assertThat(p.readResponse()).isEqualTo("OK");
                        l.deferredDue.put(body, due);
                    }
                }
            }
            for (TopicLoad l : loads) {
                for (LoadPublisher p : l.publishers) {
                    p.stop();
                    assertThat(p.failure()).isNull();
                }
                l.consumer.close(); // CLS ... CLOSE_WAIT: every FIN written before it was processed
            }
            int exit = d.terminate();
            assertThat(exit).as("exit code after SIGTERM").isIn(0, 143);
            for (TopicLoad l : loads) {
                System.out.printf("ShutdownTest %s before SIGTERM: %s, FIN'd and confirmed %d%n", l.label(), l.ledger.progress(),
                        l.ledger.finishedCount());
            }
        }

        long restartedAt;
        try (DaemonProcess d = DaemonProcess.start(dir, CrashTest.FAST_START)) {
            restartedAt = System.currentTimeMillis();
            for (TopicLoad l : loads) {
                l.consumer = new RecordingConsumer(l.topic, CHANNEL, 100, l.ledger);
                l.consumer.start(d.tcpPort());
            }
            long lastDue = loads.stream().flatMap(l -> l.deferredDue.values().stream()).mapToLong(Long::longValue).max().orElseThrow();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() ->
                    System.currentTimeMillis() > lastDue + 100 && loads.stream().allMatch(l -> drainedQuietly(d, l)));
            for (TopicLoad l : loads) {
                l.consumer.close();
            }
            d.terminate();
        }

        for (TopicLoad l : loads) {
            System.out.printf("ShutdownTest %s after restart and drain: %s; FIN'd before SIGTERM and delivered again: %d%n",
                    l.label(), l.ledger.summary(), l.ledger.redeliveredAfterFin().size());
            for (var e : l.deferredDue.entrySet()) {
                long at = l.ledger.firstDeliveredAt(e.getKey());
                System.out.printf("ShutdownTest %s: %s due %+d ms after the restart, arrived %s%n", l.label(), e.getKey(),
                        e.getValue() - restartedAt, at < 0 ? "never" : String.format("%+d ms from due", at - e.getValue()));
            }
        }
        long dueAfterRestart = loads.get(0).deferredDue.values().stream().filter(due -> due > restartedAt + 500).count();
        assertThat(dueAfterRestart).as("deferred messages due after the restart: the stop and start took too long to tell "
                + "'at its due time' from 'at once'").isGreaterThanOrEqualTo(DUE_AFTER_RESTART);
        for (TopicLoad l : loads) {
            assertThat(l.ledger.lost()).as(l.label() + ": acknowledged but never delivered, " + CrashTest.sample(l.ledger.lost())).isEmpty();
            assertThat(l.ledger.redeliveredAfterFin()).as(l.label() + ": FIN'd (FIN processed before SIGTERM), delivered again").isEmpty();
            for (var e : l.deferredDue.entrySet()) {
                long at = l.ledger.firstDeliveredAt(e.getKey());
                assertThat(at).as(l.label() + ": deferred " + e.getKey() + " delivered").isPositive();
                assertThat(at - e.getValue()).as(l.label() + ": " + e.getKey() + " arrival minus due time (ms)").isGreaterThanOrEqualTo(-50L);
                // late by at most 3 s after its due time or, when the restart itself came later, after the restart
                assertThat(at).as(l.label() + ": " + e.getKey() + " arrival").isLessThanOrEqualTo(Math.max(e.getValue(), restartedAt) + 3_000);
            }
        }
    }

    private static boolean drainedQuietly(DaemonProcess d, TopicLoad l) {
        try {
            return DaemonHttp.drained(d.httpPort(), l.topic, CHANNEL);
        } catch (Exception e) {
            return false;
        }
    }
}
