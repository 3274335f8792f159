package io.nodeq.client;

import io.nodeq.protocol.Headers;
import io.nodeq.testing.FakeNsqd;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The client's side of nodeq's message headers (PROTOCOL-EXTENSIONS.md) against {@link FakeNsqd}:
 * IDENTIFY always asks for {@code nodeq_headers}; when granted, every body goes out with a header
 * block ({@code 00 00} for a plain publish) and consumers split block and payload; when refused (a
 * real nsqd), a publish with headers fails with {@link HeadersNotSupportedException} and plain ones
 * go out exactly as before.
 */
class HeadersClientTest {
    private Vertx vertx;
    private FakeNsqd daemon;
    private Producer producer;
    private Consumer consumer;

    @BeforeEach
    void setUp() throws Exception {
        vertx = Vertx.vertx();
        daemon = FakeNsqd.start(vertx);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (consumer != null) {
            consumer.stop();
        }
        if (producer != null) {
            producer.close();
        }
        daemon.close();
        vertx.close().await(5, TimeUnit.SECONDS);
    }

    private Producer producer(boolean batching) {
        producer = Producer.create(ProducerOptions.builder(daemon.tcpAddress()).batching(batching).build());
        return producer;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aGrantedConnectionFramesEveryBodyAndConsumersGetHeadersAndPayload() throws Exception {
        daemon.grantHeaders = true;
        Producer p = producer(false);
        Headers h = Headers.of("Trace-Id", "t-1", Headers.MSG_ID, "order-7");
        p.publish("t", h, utf8("with")).get(5, TimeUnit.SECONDS);
        p.publish("t", utf8("plain")).get(5, TimeUnit.SECONDS);
        p.publishDeferred("t", Duration.ZERO, Headers.of("K", "v"), utf8("deferred")).get(5, TimeUnit.SECONDS);
        p.publish("t", List.of(utf8("m1"), utf8("m2"))).get(5, TimeUnit.SECONDS);
        assertThat(daemon.publishedBytes).containsExactly(h.frame(utf8("with")), Headers.NONE.frame(utf8("plain")),
                Headers.of("K", "v").frame(utf8("deferred")), Headers.NONE.frame(utf8("m1")),
                Headers.NONE.frame(utf8("m2")));

        List<Message> got = new CopyOnWriteArrayList<>();
        consumer = Consumer.create(ConsumerOptions.builder("t", "ch", got::add).daemon(daemon.tcpAddress()).build());
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 5);
        Message first = got.stream().filter(m -> m.bodyAsString().equals("with")).findFirst().orElseThrow();
        assertThat(first.headers()).isEqualTo(h);
        assertThat(first.msgId()).isEqualTo("order-7");
        Message plain = got.stream().filter(m -> m.bodyAsString().equals("plain")).findFirst().orElseThrow();
        assertThat(plain.headers()).isEqualTo(Headers.NONE);
        assertThat(plain.msgId()).isNull();
        assertThat(plain.body()).isEqualTo(utf8("plain"));
    }

    @Test
    void batchedPublishesCarryTheirOwnHeadersInOneMpub() throws Exception {
        daemon.grantHeaders = true;
        Producer p = producer(true);
        var a = p.publish("t", Headers.of("N", "1"), utf8("a"));
        var b = p.publish("t", utf8("b"));
        a.get(5, TimeUnit.SECONDS);
        b.get(5, TimeUnit.SECONDS);
        assertThat(daemon.publishedBytes).containsExactly(Headers.of("N", "1").frame(utf8("a")),
                Headers.NONE.frame(utf8("b")));
    }

    @Test
    void withoutTheGrantHeadersAreRefusedAndPlainPublishesAreNsqs() throws Exception {
        Producer p = producer(false);
        assertThatThrownBy(() -> p.publish("t", Headers.of("A", "1"), utf8("x")).join())
                .isInstanceOf(CompletionException.class).hasCauseInstanceOf(HeadersNotSupportedException.class)
                .hasMessageContaining("did not grant nodeq_headers");
        p.publish("t", Headers.NONE, utf8("none")).get(5, TimeUnit.SECONDS);
        p.publish("t", utf8("plain")).get(5, TimeUnit.SECONDS);
        assertThat(daemon.publishedBytes).containsExactly(utf8("none"), utf8("plain"));

        List<Message> got = new CopyOnWriteArrayList<>();
        consumer = Consumer.create(ConsumerOptions.builder("t", "ch", got::add).daemon(daemon.tcpAddress()).build());
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 2);
        assertThat(got).allSatisfy(m -> assertThat(m.headers()).isEqualTo(Headers.NONE));
        assertThat(got.get(0).body()).isEqualTo(utf8("none"));
    }

    @Test
    void theMessageSizeLimitCountsTheHeaders() {
        producer = Producer.create(ProducerOptions.builder(daemon.tcpAddress()).maxMessageSize(10).build());
        assertThatThrownBy(() -> producer.publish("t", Headers.of("A", "1"), utf8("12345")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("12 bytes exceeds maxMessageSize 10");
    }
}
