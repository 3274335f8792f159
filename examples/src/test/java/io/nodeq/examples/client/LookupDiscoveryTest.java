package io.nodeq.examples.client;

import io.nodeq.client.Consumer;
import io.nodeq.client.ConsumerOptions;
import io.nodeq.client.NsqAddress;
import io.nodeq.client.Producer;
import io.nodeq.client.ProducerOptions;
import io.nodeq.daemon.Daemon;
import io.nodeq.daemon.DaemonOptions;
import io.nodeq.lookup.LookupOptions;
import io.nodeq.lookup.LookupServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A nodeq consumer discovers three daemons through two standalone lookups (each knowing only
 * some of them, as with independent nsqlookupds) and consumes from all of them.
 */
class LookupDiscoveryTest {
    private static final int PER_DAEMON = 200;

    @TempDir
    Path dir;
    private final List<LookupServer> lookups = new ArrayList<>();
    private final List<Daemon> daemons = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (Daemon d : daemons) {
            d.close().await(20, TimeUnit.SECONDS);
        }
        for (LookupServer l : lookups) {
            l.close().await(20, TimeUnit.SECONDS);
        }
    }

    private Daemon daemon(String name, LookupServer... registerWith) throws Exception {
        List<String> addresses = new ArrayList<>();
        for (LookupServer l : registerWith) {
            addresses.add("127.0.0.1:" + l.tcpPort());
        }
        Daemon d = Daemon.start(DaemonOptions.forTest(dir.resolve(name)).lookupdTcpAddresses(addresses).build())
                .await(20, TimeUnit.SECONDS);
        daemons.add(d);
        return d;
    }

    @Test
    void consumesFromEveryDaemonFoundThroughTwoLookups() throws Exception {
        LookupServer l1 = LookupServer.start(LookupOptions.loopback()).await(20, TimeUnit.SECONDS);
        lookups.add(l1);
        LookupServer l2 = LookupServer.start(LookupOptions.loopback()).await(20, TimeUnit.SECONDS);
        lookups.add(l2);
        List<Daemon> ds = List.of(daemon("a", l1), daemon("b", l2), daemon("c", l1, l2));
        for (int i = 0; i < ds.size(); i++) {
            try (Producer p = Producer.create(ProducerOptions.builder(RealDaemons.tcp(ds.get(i))).build())) {
                List<byte[]> batch = new ArrayList<>();
                for (int j = 0; j < PER_DAEMON; j++) {
                    batch.add(("d" + i + "-" + j).getBytes());
                }
                p.publish("discovered", batch).get(10, TimeUnit.SECONDS);
            }
        }

        Set<String> seen = ConcurrentHashMap.newKeySet();
        Map<NsqAddress, AtomicInteger> byDaemon = new ConcurrentHashMap<>();
        Consumer consumer = Consumer.create(ConsumerOptions.builder("discovered", "all", m -> {
                    seen.add(m.bodyAsString());
                    byDaemon.computeIfAbsent(m.daemon(), k -> new AtomicInteger()).incrementAndGet();
                })
                .lookup("127.0.0.1:" + l1.httpPort())
                .lookup("http://127.0.0.1:" + l2.httpPort() + "/lookup")
                .maxInFlight(30)
                .lookupPollInterval(Duration.ofMillis(500))
                .build());
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() == ds.size() * PER_DAEMON);
            assertThat(byDaemon).hasSize(3);
            assertThat(byDaemon.values()).extracting(AtomicInteger::get).containsOnly(PER_DAEMON);
        } finally {
            consumer.stop();
        }
    }
}
