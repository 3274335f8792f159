package io.nodeq.daemon.compat;

import io.nodeq.client.ConnectionOptions;
import io.nodeq.client.Consumer;
import io.nodeq.client.ConsumerOptions;
import io.nodeq.client.Producer;
import io.nodeq.client.ProducerOptions;
import io.nodeq.daemon.tls.TestCerts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Our client against the real nsqd 1.3.0 (from -Dnsq.bin or NSQ_BIN; skipped without it) with
 * mutual TLS: TLS alone, TLS + snappy, TLS + deflate, then snappy and deflate without TLS.
 */
class RealNsqdTlsTest {
    private static final Pattern LISTENING = Pattern.compile("(TCP|HTTP|HTTPS): listening on 127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path dir;

    @Test
    void ourClientNegotiatesTlsSnappyAndDeflateWithRealNsqd() throws Exception {
        Path bin = NsqToolsTlsTest.nsqBin();
        assumeTrue(bin != null && Files.isExecutable(bin.resolve("nsqd")),
                "NSQ's nsqd not found: set -Dnsq.bin or NSQ_BIN to its directory to run this test");
        TestCerts certs = TestCerts.create(Files.createDirectories(dir.resolve("certs")));
        Process nsqd = new ProcessBuilder(bin.resolve("nsqd").toString(), "--data-path",
                Files.createDirectories(dir.resolve("data")).toString(), "--tcp-address", "127.0.0.1:0",
                "--http-address", "127.0.0.1:0", "--https-address", "127.0.0.1:0", "--broadcast-address", "127.0.0.1",
                "--tls-cert", certs.serverCert.toString(), "--tls-key", certs.serverKey.toString(),
                "--tls-root-ca-file", certs.caCert.toString(), "--tls-client-auth-policy", "require-verify",
                "--tls-required", "tcp-https").redirectErrorStream(true).start();
        try {
            int tcp = tcpPort(nsqd);
            ConnectionOptions.Builder base = ConnectionOptions.builder().tls(true).tlsRootCaFile(certs.caCert.toString())
                    .tlsClientCert(certs.clientCert.toString(), certs.clientKey.toString());
            int round = 0;
            for (ConnectionOptions c : List.of(base.build(), base.snappy(true).build(),
                    base.snappy(false).deflate(true).deflateLevel(5).build())) {
                roundTrip(tcp, c, "real_tls_" + round++);
            }
        } finally {
            nsqd.destroy();
            nsqd.waitFor(10, TimeUnit.SECONDS);
        }
        Process plain = new ProcessBuilder(bin.resolve("nsqd").toString(), "--data-path",
                Files.createDirectories(dir.resolve("data2")).toString(), "--tcp-address", "127.0.0.1:0",
                "--http-address", "127.0.0.1:0", "--https-address", "127.0.0.1:0", "--broadcast-address", "127.0.0.1")
                .redirectErrorStream(true).start();
        try {
            int tcp = tcpPort(plain);
            roundTrip(tcp, ConnectionOptions.builder().snappy(true).build(), "real_snappy");
            roundTrip(tcp, ConnectionOptions.builder().deflate(true).deflateLevel(1).build(), "real_deflate");
        } finally {
            plain.destroy();
            plain.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static int tcpPort(Process p) throws Exception {
        LinkedBlockingQueue<Integer> port = new LinkedBlockingQueue<>();
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    Matcher m = LISTENING.matcher(line);
                    if (m.find() && m.group(1).equals("TCP")) {
                        port.add(Integer.parseInt(m.group(2)));
                    }
                }
            } catch (java.io.IOException e) {
                // process gone
            }
        }, "nsqd-output");
        t.setDaemon(true);
        t.start();
        Integer n = port.poll(15, TimeUnit.SECONDS);
        assertThat(n).as("nsqd reported its TCP port").isNotNull();
        return n;
    }

    private static void roundTrip(int port, ConnectionOptions c, String topic) throws Exception {
        Set<String> got = ConcurrentHashMap.newKeySet();
        int count = 500;
        try (Producer p = Producer.create(ProducerOptions.builder("127.0.0.1:" + port).connection(c).build())) {
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                sent.add(p.publish(topic, "m" + i + "-" + "y".repeat(i % 200)));
            }
            CompletableFuture.allOf(sent.toArray(new CompletableFuture[0])).get(20, TimeUnit.SECONDS);
        }
        try (Consumer consumer = Consumer.create(ConsumerOptions.builder(topic, "ch",
                m -> got.add(new String(m.body(), StandardCharsets.UTF_8))).daemon("127.0.0.1:" + port)
                .connection(c).maxInFlight(100).build())) {
            await().atMost(Duration.ofSeconds(20)).until(() -> got.size() == count);
        }
    }
}
