package io.nodeq.examples;

import io.nodeq.client.Consumer;
import io.nodeq.client.ConsumerOptions;
import io.nodeq.client.Producer;
import io.nodeq.client.ProducerOptions;
import io.nodeq.daemon.Daemon;
import io.nodeq.daemon.DaemonOptions;
import io.nodeq.lookup.LookupOptions;
import io.nodeq.lookup.LookupServer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A whole mesh in one program: a lookup and two daemons embedded on free ports, a producer beside
 * each daemon (NSQ's "publish locally"), and one consumer that finds both daemons through the
 * lookup. Prints which daemon delivered what, then stops everything. Needs nothing running.
 *
 * <pre>
 * java ... io.nodeq.examples.TwoDaemonMeshExample [messages per daemon (5)]
 * </pre>
 */
public final class TwoDaemonMeshExample {
    private TwoDaemonMeshExample() {
    }

    public static void main(String[] args) throws Exception {
        int perDaemon = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Map<String, List<String>> seen = run(perDaemon, Duration.ofSeconds(60));
        seen.forEach((daemon, bodies) -> System.out.println("from daemon " + daemon + ": " + bodies));
    }

    /** Runs the mesh, returns the bodies received per delivering daemon (TCP address), stopped again. */
    public static Map<String, List<String>> run(int perDaemon, Duration timeout) throws Exception {
        String topic = "mesh-demo";
        List<Path> dataDirs = new ArrayList<>();
        List<Daemon> daemons = new ArrayList<>();
        LookupServer lookup = null;
        Consumer consumer = null;
        Map<String, List<String>> seen = new TreeMap<>();
        try {
            // 1. The lookup: port 0 = any free port; standalone, like nsqlookupd.
            lookup = LookupServer.start(LookupOptions.loopback()).await(30, TimeUnit.SECONDS);
            String lookupTcp = "127.0.0.1:" + lookup.tcpPort();
            String lookupHttp = "127.0.0.1:" + lookup.httpPort();
            System.out.println("lookup on tcp " + lookupTcp + ", http " + lookupHttp);

            // 2. Two daemons, each with its own data directory, registering with the lookup over TCP.
            for (int i = 0; i < 2; i++) {
                Path dir = Files.createTempDirectory("nodeq-mesh-" + i + "-");
                dataDirs.add(dir);
                Daemon d = Daemon.start(DaemonOptions.forTest(dir).lookupdTcpAddresses(List.of(lookupTcp)).build())
                        .await(30, TimeUnit.SECONDS);
                daemons.add(d);
                System.out.println("daemon " + i + " on tcp 127.0.0.1:" + d.tcpPort() + ", http 127.0.0.1:" + d.httpPort());
            }

            // 3. Publish to each daemon. The first publish creates the topic there, and the daemon
            //    tells the lookup it has it: that is all the "cluster membership" NSQ needs.
            for (int i = 0; i < daemons.size(); i++) {
                try (Producer p = Producer.create(ProducerOptions.builder("127.0.0.1:" + daemons.get(i).tcpPort()).build())) {
                    for (int k = 0; k < perDaemon; k++) {
                        p.publish(topic, "daemon" + i + "-msg" + k).get(10, TimeUnit.SECONDS);
                    }
                }
            }

            // 4. One consumer, told only the lookup: it connects to both daemons and takes from both.
            CompletableFuture<Void> all = new CompletableFuture<>();
            int expected = perDaemon * daemons.size();
            consumer = Consumer.create(ConsumerOptions.builder(topic, "everything", m -> {
                        synchronized (seen) {
                            seen.computeIfAbsent(m.daemon().toString(), k -> new ArrayList<>()).add(m.bodyAsString());
                            if (seen.values().stream().mapToInt(List::size).sum() >= expected) {
                                all.complete(null);
                            }
                        }
                    })
                    .lookup(lookupHttp)
                    .lookupPollInterval(Duration.ofSeconds(1))   // a daemon missed by the first poll is found a second later
                    .maxInFlight(10)                             // split over both connections
                    .build());
            all.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            // 5. Stop in reverse order: consumer (CLS, FIN), daemons (flush to disk), lookup.
            if (consumer != null) {
                consumer.stop();
            }
            for (Daemon d : daemons) {
                d.close().await(30, TimeUnit.SECONDS);
            }
            if (lookup != null) {
                lookup.close().await(30, TimeUnit.SECONDS);
            }
            for (Path dir : dataDirs) {
                deleteTree(dir);
            }
        }
        synchronized (seen) {
            return new TreeMap<>(seen);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
