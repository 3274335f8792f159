package io.nodeq.client;

import io.nodeq.testing.FakeNsqd;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Consumer discovery through a lookup's /lookup, and ProducerPool failover, against fake servers. */
class DiscoveryAndPoolTest {
    private Vertx vertx;
    private FakeNsqd d1;
    private FakeNsqd d2;
    private HttpServer lookup;
    private final List<FakeNsqd> listed = new CopyOnWriteArrayList<>();
    private final List<String> acceptHeaders = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        vertx = Vertx.vertx();
        d1 = FakeNsqd.start(vertx);
        d2 = FakeNsqd.start(vertx);
        lookup = vertx.createHttpServer().requestHandler(req -> {
            acceptHeaders.add(req.getHeader("Accept"));
            if (!req.path().equals("/lookup") || !"t".equals(req.getParam("topic"))) {
                req.response().setStatusCode(404).end("{\"message\":\"TOPIC_NOT_FOUND\"}");
                return;
            }
            String producers = listed.stream().map(d -> "{\"remote_address\":\"127.0.0.1:1\",\"hostname\":\"h\","
                    + "\"broadcast_address\":\"127.0.0.1\",\"tcp_port\":" + d.tcpPort() + ",\"http_port\":1,"
                    + "\"version\":\"1.3.0\"}").collect(Collectors.joining(","));
            req.response().putHeader("Content-Type", "application/json")
                    .end("{\"channels\":[\"ch\"],\"producers\":[" + producers + "]}");
        }).listen(0, "127.0.0.1").await(5, TimeUnit.SECONDS);
    }

    @AfterEach
    void tearDown() throws Exception {
        d1.close();
        d2.close();
        lookup.close().await(5, TimeUnit.SECONDS);
        vertx.close().await(5, TimeUnit.SECONDS);
    }

    @Test
    void consumerFollowsTheLookupAddingAndDroppingDaemons() {
        listed.add(d1);
        Set<String> seen = ConcurrentHashMap.newKeySet();
        Consumer c = Consumer.create(ConsumerOptions.builder("t", "ch", m -> seen.add(m.bodyAsString()))
                .lookup("127.0.0.1:" + lookup.actualPort()).lookupPollInterval(Duration.ofMillis(50))
                .maxInFlight(10).stopTimeout(Duration.ofSeconds(5)).build());
        try {
            d1.put("t", "one");
            await().atMost(Duration.ofSeconds(5)).until(() -> seen.contains("one"));
            listed.add(d2);
            d2.put("t", "two");
            await().atMost(Duration.ofSeconds(5)).until(() -> seen.contains("two") && c.stats().connections() == 2);
            listed.remove(d1);
            await().atMost(Duration.ofSeconds(5)).until(() -> d1.clients().isEmpty() && c.stats().connections() == 1);
            assertThat(d1.commands).contains("CLS");
            assertThat(acceptHeaders).isNotEmpty().allMatch("application/vnd.nsq; version=1.0"::equals);
        } finally {
            c.stop();
        }
    }

    @Test
    void poolSpreadsPublishesAndFailsOverWhenADaemonGoes() throws Exception {
        try (ProducerPool pool = ProducerPool.create(List.of(d1.tcpAddress(), d2.tcpAddress()),
                ProducerOptions.builder(d1.tcpAddress()).reconnectMinDelay(Duration.ofMillis(50)).build())) {
            await().atMost(Duration.ofSeconds(5)).until(() -> pool.producers().stream().allMatch(Producer::isConnected));
            List<CompletableFuture<Void>> fs = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                fs.add(pool.publish("t", ("p" + i).getBytes()));
            }
            CompletableFuture.allOf(fs.toArray(new CompletableFuture[0])).get(5, TimeUnit.SECONDS);
            assertThat(d1.published.size() + d2.published.size()).isEqualTo(100);
            assertThat(d1.published).isNotEmpty();
            assertThat(d2.published).isNotEmpty();

            d1.close();
            await().atMost(Duration.ofSeconds(5)).until(() -> !pool.producers().get(0).isConnected());
            fs.clear();
            for (int i = 0; i < 50; i++) {
                fs.add(pool.publish("t", ("q" + i).getBytes()));
            }
            CompletableFuture.allOf(fs.toArray(new CompletableFuture[0])).get(5, TimeUnit.SECONDS);
            assertThat(d2.published.stream().filter(s -> s.startsWith("q"))).hasSize(50);
        }
    }

    @Test
    void lookupAddressesBecomeLookupUrls() throws Exception {
        var m = Class.forName("io.nodeq.client.impl.LookupPoller").getDeclaredMethod("lookupUrl", String.class, String.class);
        m.setAccessible(true);
        assertThat(m.invoke(null, "127.0.0.1:4161", "t")).isEqualTo("http://127.0.0.1:4161/lookup?topic=t");
        assertThat(m.invoke(null, "lk", "t")).isEqualTo("http://lk:4161/lookup?topic=t");
        assertThat(m.invoke(null, "http://lk:9/", "t")).isEqualTo("http://lk:9/lookup?topic=t");
        assertThat(m.invoke(null, "http://lk:9/x/lookup?a=b", "t")).isEqualTo("http://lk:9/x/lookup?a=b&topic=t");
        assertThat(m.invoke(null, "http://lk:9", "t#ephemeral")).isEqualTo("http://lk:9/lookup?topic=t%23ephemeral");
    }
}
