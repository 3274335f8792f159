package io.nodeq.examples;

import io.nodeq.client.Producer;
import io.nodeq.client.ProducerOptions;
import io.nodeq.daemon.Daemon;
import io.nodeq.daemon.DaemonOptions;
import io.nodeq.lookup.LookupOptions;
import io.nodeq.lookup.LookupServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The examples run end to end, against embedded servers instead of ./run.sh's mesh, with bounded counts. */
class ExamplesSmokeTest {
    @TempDir
    Path tmp;

    @Test
    void twoDaemonMeshDeliversFromBothDaemonsThroughTheLookup() throws Exception {
        Map<String, List<String>> seen = TwoDaemonMeshExample.run(4, Duration.ofSeconds(60));
        assertThat(seen).hasSize(2);
        List<List<String>> perDaemon = List.copyOf(seen.values());
        // each daemon delivered exactly what was published to it, whichever order the map lists them in
        assertThat(perDaemon).extracting(bodies -> bodies.get(0).substring(0, 7)).containsExactlyInAnyOrder("daemon0", "daemon1");
        for (List<String> bodies : perDaemon) {
            String prefix = bodies.get(0).substring(0, 7);
            assertThat(bodies).containsExactlyInAnyOrderElementsOf(
                    IntStream.range(0, 4).mapToObj(k -> prefix + "-msg" + k).toList());
        }
    }

    @Test
    void reliablePipelineAppliesEachOrderOnceAndRetriesTheFailure() throws Exception {
        Daemon d = Daemon.start(DaemonOptions.forTest(tmp).build()).await(30, TimeUnit.SECONDS);
        try {
            ReliablePipelineExample.Result r = ReliablePipelineExample.run("127.0.0.1:" + d.tcpPort(), "orders", 12,
                    Duration.ofSeconds(60));
            // 12 orders, orders 0, 5 and 10 published twice; order-3 fails once and is retried
            assertThat(r).isEqualTo(new ReliablePipelineExample.Result(12, 3, 1, 0));
        } finally {
            d.close().await(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void serverSidePipelineDropsRetriedPublishesAndDeadLettersThePoisonMessage() throws Exception {
        Daemon d = Daemon.start(DaemonOptions.forTest(tmp).build()).await(30, TimeUnit.SECONDS);
        try {
            ServerSidePipelineExample.Result r = ServerSidePipelineExample.run("127.0.0.1:" + d.tcpPort(),
                    "127.0.0.1:" + d.httpPort(), "orders", 12, Duration.ofSeconds(60));
            // 12 orders, 0, 5 and 10 published twice: the daemon stored each once; order-3 always
            // fails and, after 3 attempts, is in orders.dead with its origin
            assertThat(r.applied()).isEqualTo(11);
            assertThat(r.duplicatesDelivered()).isZero();
            assertThat(r.deadLetters()).containsExactly("order-3:amount=13");
            assertThat(r.deadLetterOrigin()).isEqualTo("orders/billing after 3 attempts");
        } finally {
            d.close().await(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void consumeViaLookupFindsTheDaemon() throws Exception {
        LookupServer lookup = LookupServer.start(LookupOptions.loopback()).await(30, TimeUnit.SECONDS);
        Daemon d = Daemon.start(DaemonOptions.forTest(tmp).lookupdTcpAddresses(List.of("127.0.0.1:" + lookup.tcpPort()))
                .build()).await(30, TimeUnit.SECONDS);
        try {
            try (Producer p = Producer.create(ProducerOptions.builder("127.0.0.1:" + d.tcpPort()).build())) {
                p.publish("found", List.of("x".getBytes(), "y".getBytes(), "z".getBytes())).get(10, TimeUnit.SECONDS);
            }
            List<String> bodies = ConsumeViaLookupExample.consume("127.0.0.1:" + lookup.httpPort(), "found", "c", 3,
                    Duration.ofSeconds(30));
            assertThat(bodies).containsExactlyInAnyOrder("x", "y", "z");
        } finally {
            d.close().await(30, TimeUnit.SECONDS);
            lookup.close().await(30, TimeUnit.SECONDS);
        }
    }
}
