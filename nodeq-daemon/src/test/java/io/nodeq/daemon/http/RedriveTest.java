package io.nodeq.daemon.http;

import io.nodeq.daemon.RawClient;
import io.nodeq.protocol.Headers;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.nodeq.daemon.http.HttpClientSupport.assertEmptyOk;
import static io.nodeq.daemon.http.HttpClientSupport.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code POST /topic/redrive}: a dead-letter topic's messages go back to the channel each came from
 * and to no other, with their body and their own headers (the origin ones removed), attempts from
 * 0; messages without an origin, or whose channel is gone, are skipped and counted; the topic is
 * emptied and a second redrive (after a restart too) sends nothing.
 */
class RedriveTest extends RealDaemonFixture {
    /** "orders" and "orders.dlq" hash to different shards: the redrive crosses shards both ways. */
    private static final java.util.function.UnaryOperator<io.nodeq.daemon.DaemonOptions.Builder> TWO_SHARDS =
            b -> b.shards(2);

    @Test
    void deadLettersGoBackToTheirOriginChannelOnly() throws Exception {
        start(TWO_SHARDS);
        setUp();
        deadLetter(List.of("a", "b"));
        // one without an origin, one whose origin channel does not exist
        http.post("/pub?topic=orders.dlq", "plain");
        try (RawClient p = HeaderClients.connect(daemon.tcpPort())) {
            HeaderClients.pub(p, "orders.dlq", Headers.of(Headers.ORIGIN_TOPIC, "orders",
                    Headers.ORIGIN_CHANNEL, "gone"), "orphan");
        }
        assertThat(topicDepth("orders.dlq")).isEqualTo(4);

        assertRedrive(2, 2);
        assertThat(topicDepth("orders.dlq")).isZero();
        // a peek shows what each channel would get: billing the two, without the target; shipping nothing
        JsonObject peeked = new JsonObject(http.get("/channel/peek?topic=orders&channel=billing&n=10").body());
        assertThat(peeked.getJsonArray("messages")).hasSize(2);
        assertThat(peeked.getJsonArray("messages").getJsonObject(0).getString("body")).isEqualTo("a");
        assertThat(peeked.getJsonArray("messages").getJsonObject(0).getJsonObject("headers"))
                .isEqualTo(new JsonObject().put("Trace-Id", "a"));
        assertThat(new JsonObject(http.get("/channel/peek?topic=orders&channel=shipping&n=10").body())
                .getJsonArray("messages")).isEmpty();
        try (RawClient billing = HeaderClients.subscribe(daemon.tcpPort(), "orders", "billing", 10);
             RawClient shipping = new RawClient(daemon.tcpPort())) {
            List<HeaderClients.Received> got = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                HeaderClients.Received r = HeaderClients.Received.of(billing.readMessage());
                got.add(r);
                billing.fin(r.id());
            }
            assertThat(got).extracting(HeaderClients.Received::payload).containsExactly("a", "b");
            assertThat(got).extracting(HeaderClients.Received::attempts).containsExactly(1, 1);
            assertThat(got.get(0).headers().asMap()).containsExactly(Map.entry("Trace-Id", "a"));
            assertThat(got.get(1).headers().asMap()).containsExactly(Map.entry("Trace-Id", "b"));
            assertThat(billing.quietFor(300)).isTrue();

            assertThat(shipping.sub("orders", "shipping")).isEqualTo("OK");
            shipping.rdy(10);
            assertThat(shipping.quietFor(300)).isTrue();
        }
        assertThat(channel("orders", "shipping").getLong("depth")).isZero();
        assertRedrive(0, 0);
    }

    @Test
    void aPlainConsumerGetsTheRedrivenBodyAlone() throws Exception {
        start(TWO_SHARDS);
        setUp();
        deadLetter(List.of("only-body"));
        assertRedrive(1, 0);
        try (RawClient billing = new RawClient(daemon.tcpPort())) {
            assertThat(billing.sub("orders", "billing")).isEqualTo("OK");
            billing.rdy(1);
            RawClient.Frame m = billing.readMessage();
            assertThat(m.body()).isEqualTo("only-body");
            assertThat(m.attempts()).isEqualTo(1);
        }
    }

    @Test
    void theMarkSurvivesARestartAndRecordsAreReadFromDisk() throws Exception {
        start(TWO_SHARDS);
        setUp();
        deadLetter(List.of("x"));
        restart();
        // after the restart every record is on disk only: the redrive reads it on the lane
        assertRedrive(1, 0);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(channel("orders", "billing").getLong("depth")).isEqualTo(1));
        restart();
        assertThat(topicDepth("orders.dlq")).isZero();
        assertRedrive(0, 0);
        assertThat(channel("orders", "billing").getLong("depth")).isEqualTo(1);
        assertThat(channel("orders", "shipping").getLong("depth")).isZero();
    }

    @Test
    void aLargeRedriveGoesInStepsFromDiskAndMemory() throws Exception {
        int n = 2_500; // more than one step (1,024 records), most of them out of memory
        start(b -> b.shards(2).memQueueSize(100));
        setUp();
        try (RawClient p = new RawClient(daemon.tcpPort()); RawClient billing = new RawClient(daemon.tcpPort())) {
            List<byte[]> bodies = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                bodies.add(("m-" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            assertThat(p.mpub("orders", bodies)).isEqualTo("OK");
            assertThat(billing.sub("orders", "billing")).isEqualTo("OK");
            billing.rdy(500);
            for (int i = 0; i < n; i++) {
                billing.req(billing.readMessage().id(), 0);
            }
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(channel("orders", "billing").getLong("dead_lettered_count")).isEqualTo(n));
        assertRedrive(n, 0);
        try (RawClient billing = new RawClient(daemon.tcpPort())) {
            assertThat(billing.sub("orders", "billing")).isEqualTo("OK");
            billing.rdy(500);
            java.util.Set<String> back = new java.util.HashSet<>();
            for (int i = 0; i < n; i++) {
                RawClient.Frame m = billing.readMessage();
                back.add(m.body());
                billing.fin(m.id());
            }
            assertThat(back).hasSize(n).contains("m-0", "m-" + (n - 1));
        }
        assertThat(channel("orders", "shipping").getLong("depth")).isEqualTo(n); // the originals only
        assertThat(channel("orders", "shipping").getLong("message_count")).isEqualTo(n);
        assertThat(channel("orders", "billing").getLong("message_count")).isEqualTo(2L * n);
        assertRedrive(0, 0);
    }

    @Test
    void anUnknownTopicIs404AndAMissingOne400() throws Exception {
        start();
        assertError(http.post("/topic/redrive?topic=nope"), 404, "TOPIC_NOT_FOUND");
        assertError(http.post("/topic/redrive"), 400, "MISSING_ARG_TOPIC");
        assertError(http.post("/topic/redrive?topic=a:b"), 400, "INVALID_TOPIC");
    }

    private void setUp() throws Exception {
        assertEmptyOk(http.post("/topic/create?topic=orders"));
        assertEmptyOk(http.post("/channel/create?topic=orders&channel=billing&max_attempts=1&dead_letter_topic=orders.dlq"));
        assertEmptyOk(http.post("/channel/create?topic=orders&channel=shipping"));
    }

    /** Publishes each payload with a Trace-Id header; billing REQs each once (max 1), shipping FINs them. */
    private void deadLetter(List<String> payloads) throws Exception {
        try (RawClient p = HeaderClients.connect(daemon.tcpPort());
             RawClient billing = new RawClient(daemon.tcpPort());
             RawClient shipping = new RawClient(daemon.tcpPort())) {
            for (String payload : payloads) {
                HeaderClients.pub(p, "orders", Headers.of("Trace-Id", payload), payload);
            }
            assertThat(billing.sub("orders", "billing")).isEqualTo("OK");
            billing.rdy(payloads.size());
            assertThat(shipping.sub("orders", "shipping")).isEqualTo("OK");
            shipping.rdy(payloads.size());
            for (int i = 0; i < payloads.size(); i++) {
                billing.req(billing.readMessage().id(), 0);
                shipping.fin(shipping.readMessage().id());
            }
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(channel("orders", "billing").getLong("dead_lettered_count")).isEqualTo(payloads.size());
            assertThat(channel("orders", "shipping").getLong("in_flight_count")).isZero();
        });
    }

    private void assertRedrive(long redriven, long skipped) throws Exception {
        HttpResponse<String> r = http.post("/topic/redrive?topic=orders.dlq");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(new JsonObject(r.body())).isEqualTo(new JsonObject().put("redriven", redriven).put("skipped", skipped));
    }
}
