package io.nodeq.client;

import io.nodeq.testing.FakeNsqd;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** AUTH against a daemon that says {@code auth_required} (nsq-protocol.md §1.13): the fake checks the secret. */
class AuthTest {
    private Vertx vertx;
    private FakeNsqd nsqd;

    @BeforeEach
    void setUp() throws Exception {
        vertx = Vertx.vertx();
        nsqd = FakeNsqd.start(vertx);
        nsqd.authSecret = "s3cret";
    }

    @AfterEach
    void tearDown() throws Exception {
        nsqd.close();
        vertx.close().await(5, TimeUnit.SECONDS);
    }

    private static ConnectionOptions secret(String s) {
        return ConnectionOptions.builder().authSecret(s).build();
    }

    @Test
    void producerAndConsumerAuthorizeWithTheSecretBeforeAnythingElse() throws Exception {
        try (Producer p = Producer.create(ProducerOptions.builder(nsqd.tcpAddress()).connection(secret("s3cret")).build())) {
            p.publish("t", "hello").get(5, TimeUnit.SECONDS);
        }
        List<String> got = new CopyOnWriteArrayList<>();
        Consumer c = Consumer.create(ConsumerOptions.builder("t", "ch", m -> got.add(m.bodyAsString()))
                .daemon(nsqd.tcpAddress()).connection(secret("s3cret")).build());
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> nsqd.fins() == 1);
            assertThat(got).containsExactly("hello");
        } finally {
            c.stop();
        }
        assertThat(nsqd.authSecrets).containsExactly("s3cret", "s3cret");
        // AUTH right after IDENTIFY, on both connections
        assertThat(nsqd.commands).containsSubsequence("IDENTIFY", "AUTH", "PUB", "IDENTIFY", "AUTH", "SUB");
        assertThat(nsqd.commands.indexOf("AUTH")).isEqualTo(nsqd.commands.indexOf("IDENTIFY") + 1);
    }

    @Test
    void aWrongSecretNeverGetsConnectedAndNothingIsPublished() {
        try (Producer p = Producer.create(ProducerOptions.builder(nsqd.tcpAddress()).connection(secret("wrong"))
                .reconnectMinDelay(Duration.ofMillis(20)).reconnectMaxDelay(Duration.ofMillis(100))
                .closeTimeout(Duration.ofMillis(200)).build())) {
            CompletableFuture<Void> f = p.publish("t", "never");
            // the producer keeps retrying with backoff; every attempt is refused with E_AUTH_FAILED
            await().atMost(Duration.ofSeconds(10)).until(() -> nsqd.authSecrets.size() >= 3);
            assertThat(p.isConnected()).isFalse();
            assertThat(f).isNotDone();
        }
        assertThat(nsqd.authSecrets).containsOnly("wrong");
        assertThat(nsqd.commands).doesNotContain("PUB");
        assertThat(nsqd.published).isEmpty();
    }

    @Test
    void withoutASecretTheClientStopsAtIdentifyAndNeverSubscribes() {
        Consumer c = Consumer.create(ConsumerOptions.builder("t", "ch", m -> { })
                .daemon(nsqd.tcpAddress()).reconnectMinDelay(Duration.ofMillis(20))
                .reconnectMaxDelay(Duration.ofMillis(100)).build());
        try {
            // it keeps trying (each time IDENTIFY, then closing without AUTH) but never subscribes
            await().atMost(Duration.ofSeconds(10)).until(() -> nsqd.connections() >= 3);
            assertThat(c.stats().connections()).isZero();
            assertThat(nsqd.commands).containsOnly("IDENTIFY");
            assertThat(nsqd.authSecrets).isEmpty();
        } finally {
            c.stop();
        }
    }
}
