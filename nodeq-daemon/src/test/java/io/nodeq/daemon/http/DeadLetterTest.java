package io.nodeq.daemon.http;

import io.nodeq.daemon.RawClient;
import io.nodeq.protocol.Headers;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.nodeq.daemon.http.HttpClientSupport.assertEmptyOk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Max attempts and dead-lettering against a real daemon, over raw TCP and HTTP: a message REQ'd
 * once it was delivered max_attempts times lands in the dead-letter topic once, with its origin
 * headers (and its own), is finished in its channel, counted in /stats and /metrics; without a
 * dead-letter topic it is dropped and counted; max_attempts 0 never stops; a lowered max applies
 * at the next REQ; a restart keeps both the dead letter and the attempts counted before it.
 */
class DeadLetterTest extends RealDaemonFixture {

    @Test
    void aMessageRequeuedPastMaxAttemptsLandsInTheDeadLetterTopicOnceWithItsOrigin() throws Exception {
        start();
        assertEmptyOk(http.post("/topic/create?topic=orders"));
        assertEmptyOk(http.post("/channel/create?topic=orders&channel=billing&max_attempts=3&dead_letter_topic=orders.dead"));
        assertEmptyOk(http.post("/channel/create?topic=orders&channel=shipping"));
        try (RawClient publisher = HeaderClients.connect(daemon.tcpPort());
             RawClient billing = new RawClient(daemon.tcpPort())) {
            HeaderClients.pub(publisher, "orders", Headers.of("Trace-Id", "t-1"), "pay-1");
            assertThat(billing.sub("orders", "billing")).isEqualTo("OK");
            billing.rdy(1);
            String id = null;
            for (int attempt = 1; attempt <= 3; attempt++) {
                RawClient.Frame m = billing.readMessage();
                assertThat(m.attempts()).isEqualTo(attempt);
                assertThat(m.body()).isEqualTo("pay-1"); // a plain consumer never sees the headers
                id = m.id();
                billing.req(id, 0);
            }
            assertThat(billing.quietFor(300)).isTrue();

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(channel("orders", "billing").getLong("dead_lettered_count")).isEqualTo(1);
                assertThat(topicDepth("orders.dead")).isEqualTo(1);
            });
            assertThat(channel("orders", "billing").getLong("depth")).isZero();
            assertThat(channel("orders", "billing").getLong("in_flight_count")).isZero();
            assertThat(channel("orders", "shipping").getLong("depth")).isEqualTo(1); // other channels are untouched
            assertThat(http.get("/metrics").body())
                    .contains("nodeq_channel_dead_lettered_total{topic=\"orders\",channel=\"billing\"} 1");

            try (RawClient dead = HeaderClients.subscribe(daemon.tcpPort(), "orders.dead", "inspect", 10)) {
                HeaderClients.Received r = HeaderClients.Received.of(dead.readMessage());
                assertThat(r.payload()).isEqualTo("pay-1");
                assertThat(r.attempts()).isEqualTo(1); // attempts start over in the dead-letter topic
                assertThat(r.headers().asMap()).containsExactly(
                        java.util.Map.entry(Headers.ORIGIN_TOPIC, "orders"),
                        java.util.Map.entry(Headers.ORIGIN_CHANNEL, "billing"),
                        java.util.Map.entry(Headers.ORIGIN_ID, id),
                        java.util.Map.entry(Headers.ORIGIN_ATTEMPTS, "3"),
                        java.util.Map.entry("Trace-Id", "t-1"));
                dead.fin(r.id());
                assertThat(dead.quietFor(300)).isTrue(); // exactly once
            }
        }
    }

    @Test
    void aTimeoutCountsLikeARequeueAndALoweredMaxAppliesAtTheNextRequeue() throws Exception {
        // four shards: "jobs" and "jobs.dead" are owned by different ones
        start(b -> b.shards(4).msgTimeout(Duration.ofMillis(300)).queueScanInterval(Duration.ofMillis(20)));
        assertEmptyOk(http.post("/topic/create?topic=jobs"));
        assertEmptyOk(http.post("/channel/create?topic=jobs&channel=work&max_attempts=5&dead_letter_topic=jobs.dead"));
        http.post("/pub?topic=jobs", "j");
        try (RawClient work = new RawClient(daemon.tcpPort())) {
            assertThat(work.sub("jobs", "work")).isEqualTo("OK");
            work.rdy(1);
            assertThat(work.readMessage().attempts()).isEqualTo(1); // left to time out
            RawClient.Frame second = work.readMessage();
            assertThat(second.attempts()).isEqualTo(2);
            // lowered below the attempts already made: it applies at the next REQ, not to the one in flight
            assertEmptyOk(http.post("/channel/config?topic=jobs&channel=work&max_attempts=1"));
            assertThat(channel("jobs", "work").getLong("dead_lettered_count")).isZero();
            work.req(second.id(), 0);
            assertThat(work.quietFor(500)).isTrue();
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(channel("jobs", "work").getLong("dead_lettered_count")).isEqualTo(1));
        assertThat(channel("jobs", "work").getLong("timeout_count")).isEqualTo(1);
        assertThat(bodies("jobs.dead")).containsExactly("j");
    }

    @Test
    void withoutADeadLetterTopicTheMessageIsDroppedAndCounted() throws Exception {
        start();
        assertEmptyOk(http.post("/topic/create?topic=events"));
        assertEmptyOk(http.post("/channel/create?topic=events&channel=audit&max_attempts=2"));
        http.post("/pub?topic=events", "e");
        try (RawClient audit = new RawClient(daemon.tcpPort())) {
            assertThat(audit.sub("events", "audit")).isEqualTo("OK");
            audit.rdy(1);
            audit.req(audit.readMessage().id(), 0);
            audit.req(audit.readMessage().id(), 100); // a REQ with a delay counts the same
            assertThat(audit.quietFor(400)).isTrue();
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(channel("events", "audit").getLong("dead_lettered_count")).isEqualTo(1));
        assertThat(channel("events", "audit").getLong("depth")).isZero();
        assertThat(channel("events", "audit").getLong("deferred_count")).isZero();
        assertThat(topicNames()).containsExactly("events");
    }

    @Test
    void aDeadLetterTopicsDedupWindowNeverDropsADeadLetter() throws Exception {
        start();
        assertEmptyOk(http.post("/topic/create?topic=once.dead&dedup_window=1h"));
        assertEmptyOk(http.post("/topic/create?topic=once"));
        for (String ch : new String[] {"a", "b"}) {
            assertEmptyOk(http.post("/channel/create?topic=once&channel=" + ch + "&max_attempts=1&dead_letter_topic=once.dead"));
        }
        try (RawClient p = HeaderClients.connect(daemon.tcpPort())) {
            HeaderClients.pub(p, "once", Headers.of(Headers.MSG_ID, "k-1"), "m");
        }
        for (String ch : new String[] {"a", "b"}) {
            try (RawClient c = new RawClient(daemon.tcpPort())) {
                assertThat(c.sub("once", ch)).isEqualTo("OK");
                c.rdy(1);
                c.req(c.readMessage().id(), 0);
            }
        }
        // the same message dead-lettered by two channels is two dead letters, same Nodeq-Msg-Id or not
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(topicDepth("once.dead")).isEqualTo(2));
        assertThat(topic("once.dead").getLong("deduplicated_count")).isZero();
    }

    @Test
    void maxAttemptsZeroRedeliversForever() throws Exception {
        start();
        assertEmptyOk(http.post("/topic/create?topic=loop"));
        assertEmptyOk(http.post("/channel/create?topic=loop&channel=c&max_attempts=0&dead_letter_topic=loop.dead"));
        http.post("/pub?topic=loop", "again");
        try (RawClient c = new RawClient(daemon.tcpPort())) {
            assertThat(c.sub("loop", "c")).isEqualTo("OK");
            c.rdy(1);
            for (int attempt = 1; attempt <= 50; attempt++) {
                RawClient.Frame m = c.readMessage();
                assertThat(m.attempts()).isEqualTo(attempt);
                c.req(m.id(), 0);
            }
            assertThat(c.readMessage().attempts()).isEqualTo(51);
        }
        assertThat(channel("loop", "c").getLong("dead_lettered_count")).isZero();
        assertThat(topic("loop.dead")).isNull();
    }

    @Test
    void aRestartKeepsTheDeadLetterAndTheAttemptsCountedBeforeIt() throws Exception {
        start(b -> b.shards(4)); // "pay" and "pay.dead" on different shards
        assertEmptyOk(http.post("/topic/create?topic=pay&durability=durable"));
        assertEmptyOk(http.post("/topic/create?topic=pay.dead&durability=durable"));
        assertEmptyOk(http.post("/channel/create?topic=pay&channel=c&max_attempts=3&dead_letter_topic=pay.dead"));
        http.post("/pub?topic=pay", "first");
        http.post("/pub?topic=pay", "second");
        try (RawClient c = new RawClient(daemon.tcpPort())) {
            assertThat(c.sub("pay", "c")).isEqualTo("OK");
            c.rdy(1);
            for (int i = 0; i < 3; i++) {
                RawClient.Frame m = c.readMessage();
                assertThat(m.body()).isEqualTo("first");
                c.req(m.id(), 0);
            }
            // "second" twice: two attempts counted before the restart
            RawClient.Frame m = c.readMessage();
            assertThat(m.body()).isEqualTo("second");
            c.req(m.id(), 0);
            m = c.readMessage();
            assertThat(m.attempts()).isEqualTo(2);
            c.rdy(0); // first, or the REQ's freed credit could deliver it a third time before the restart
            c.req(m.id(), 0);
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(channel("pay", "c").getLong("dead_lettered_count")).isEqualTo(1));

        restart();
        assertThat(topicDepth("pay.dead")).isEqualTo(1);
        try (RawClient c = new RawClient(daemon.tcpPort())) {
            assertThat(c.sub("pay", "c")).isEqualTo("OK");
            c.rdy(1);
            RawClient.Frame m = c.readMessage();
            assertThat(m.body()).isEqualTo("second"); // "first" is not delivered again
            assertThat(m.attempts()).isEqualTo(3);
            c.req(m.id(), 0);
            assertThat(c.quietFor(300)).isTrue();
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(topicDepth("pay.dead")).isEqualTo(2));
        assertThat(bodies("pay.dead")).containsExactly("first", "second");
    }
}
