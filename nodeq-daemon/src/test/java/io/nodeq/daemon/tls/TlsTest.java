package io.nodeq.daemon.tls;

import com.sproutsocial.nsq.Client;
import com.sproutsocial.nsq.Config;
import com.sproutsocial.nsq.DirectSubscriber;
import com.sproutsocial.nsq.Publisher;
import io.nodeq.client.ConnectionOptions;
import io.nodeq.client.Consumer;
import io.nodeq.client.ConsumerOptions;
import io.nodeq.client.Producer;
import io.nodeq.client.ProducerOptions;
import io.nodeq.daemon.Daemon;
import io.nodeq.daemon.DaemonOptions;
import io.nodeq.daemon.DaemonStats;
import io.nodeq.daemon.TestDaemons;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.nodeq.daemon.DaemonExtension.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * TLS as nsqd negotiates it (nsq-protocol.md §1.8.3-4): the IDENTIFY upgrade byte by byte, TLS
 * with and without snappy/deflate through our client and nsq-j, compression alone, mutual TLS
 * accepted and refused, {@code --tls-required} on TCP and HTTP, and HTTPS. Certificates are made
 * at test time ({@link TestCerts}).
 */
class TlsTest {
    static Path dir;
    static TestCerts certs;
    /** TLS offered, not required; client certificates checked when given. */
    static Daemon open;
    /** --tls-required, --tls-client-auth-policy require-verify. */
    static Daemon mutual;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("nodeq-tls-");
        certs = TestCerts.create(Files.createDirectories(dir.resolve("certs")));
        open = TestDaemons.start(Files.createDirectories(dir.resolve("open")), b -> withCert(b)
                .httpsAddress("127.0.0.1:0").tlsRootCaFile(certs.caCert.toString()));
        mutual = TestDaemons.start(Files.createDirectories(dir.resolve("mutual")), b -> withCert(b)
                .httpsAddress("127.0.0.1:0").tlsRootCaFile(certs.caCert.toString())
                .tlsClientAuthPolicy("require-verify"));
    }

    static DaemonOptions.Builder withCert(DaemonOptions.Builder b) {
        return b.tlsCert(certs.serverCert.toString()).tlsKey(certs.serverKey.toString());
    }

    @AfterAll
    static void stop() throws IOException {
        TestDaemons.stop(open);
        TestDaemons.stop(mutual);
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    // ---- the upgrade, byte by byte ----

    @Test
    void identifyReplyIsPlaintextThenHandshakeThenOkInsideTls() throws Exception {
        try (Socket plain = new Socket("127.0.0.1", open.tcpPort())) {
            plain.setSoTimeout(5000);
            OutputStream out = plain.getOutputStream();
            byte[] json = "{\"feature_negotiation\":true,\"tls_v1\":true}".getBytes(StandardCharsets.US_ASCII);
            out.write("  V2IDENTIFY\n".getBytes(StandardCharsets.US_ASCII));
            out.write(int32(json.length));
            out.write(json);
            out.flush();
            DataInputStream in = new DataInputStream(plain.getInputStream());
            int size = in.readInt();
            byte[] frame = new byte[size];
            in.readFully(frame);
            String reply = new String(frame, 4, size - 4, StandardCharsets.UTF_8);
            assertThat(frame[3]).isEqualTo((byte) 0); // response frame
            assertThat(reply).startsWith("{\"max_rdy_count\":2500,").contains("\"tls_v1\":true");
            assertThat(plain.getInputStream().available()).isZero(); // nothing before the handshake

            SSLSocket tls = (SSLSocket) sslContext(null, null).getSocketFactory()
                    .createSocket(plain, "127.0.0.1", open.tcpPort(), false);
            tls.setUseClientMode(true);
            tls.startHandshake();
            DataInputStream tin = new DataInputStream(tls.getInputStream());
            assertThat(readFrame(tin)).isEqualTo(new byte[]{0, 0, 0, 0, 'O', 'K'});
            String topic = unique("tlsraw");
            OutputStream tout = tls.getOutputStream();
            tout.write(("PUB " + topic + "\n").getBytes(StandardCharsets.US_ASCII));
            tout.write(int32(5));
            tout.write("hello".getBytes(StandardCharsets.US_ASCII));
            tout.flush();
            assertThat(readFrame(tin)).isEqualTo(new byte[]{0, 0, 0, 0, 'O', 'K'});
            assertThat(DaemonStats.topic(open, topic).messageCount()).isEqualTo(1);
            HttpURLConnection h = (HttpURLConnection) new URL("http://127.0.0.1:" + open.httpPort()
                    + "/stats?format=json&topic=" + topic).openConnection();
            assertThat(new String(h.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                    .contains("\"tls\":true", "\"tls_version\":\"" + "TLS1." + tls.getSession().getProtocol().substring(6) + "\"");
        }
    }

    // ---- our client: every combination ----

    @ParameterizedTest(name = "tls={0} snappy={1} deflate={2}")
    @CsvSource({"true,false,false", "true,true,false", "true,false,true", "false,true,false", "false,false,true"})
    void ourClientPublishesAndConsumes(boolean tls, boolean snappy, boolean deflate) throws Exception {
        ConnectionOptions.Builder c = ConnectionOptions.builder().snappy(snappy).deflate(deflate).deflateLevel(3);
        if (tls) {
            c.tls(true).tlsRootCaFile(certs.caCert.toString());
        }
        roundTrip(open, c.build(), unique("ours"), 2000);
    }

    @Test
    void ourClientWithAClientCertificatePassesRequireVerify() throws Exception {
        ConnectionOptions c = ConnectionOptions.builder().tls(true).tlsRootCaFile(certs.caCert.toString())
                .tlsClientCert(certs.clientCert.toString(), certs.clientKey.toString()).snappy(true).build();
        roundTrip(mutual, c, unique("mtls"), 500);
    }

    @Test
    void requireVerifyRefusesNoCertificateAndAnUnknownOne() {
        ConnectionOptions none = ConnectionOptions.builder().tls(true).tlsRootCaFile(certs.caCert.toString())
                .connectTimeout(Duration.ofSeconds(3)).build();
        ConnectionOptions rogue = ConnectionOptions.builder().tls(true).tlsRootCaFile(certs.caCert.toString())
                .tlsClientCert(certs.rogueCert.toString(), certs.rogueKey.toString())
                .connectTimeout(Duration.ofSeconds(3)).build();
        for (ConnectionOptions c : List.of(none, rogue)) {
            try (Producer p = Producer.create(ProducerOptions.builder("127.0.0.1:" + mutual.tcpPort())
                    .connection(c).reconnectMinDelay(Duration.ofSeconds(5)).closeTimeout(Duration.ofMillis(500)).build())) {
                String topic = unique("refused");
                CompletableFuture<Void> f = p.publish(topic, "x").orTimeout(5, TimeUnit.SECONDS);
                assertThatThrownBy(f::get).isInstanceOf(ExecutionException.class);
                assertThat(DaemonStats.topic(mutual, topic)).isNull();
            }
        }
    }

    @Test
    void ourClientRefusesADaemonWithoutTls() throws Exception {
        Path d = Files.createDirectories(dir.resolve("plain"));
        Daemon plain = TestDaemons.start(d);
        try (Producer p = Producer.create(ProducerOptions.builder("127.0.0.1:" + plain.tcpPort())
                .connection(ConnectionOptions.builder().tls(true).connectTimeout(Duration.ofSeconds(3)).build())
                .reconnectMinDelay(Duration.ofSeconds(5)).closeTimeout(Duration.ofMillis(500)).build())) {
            CompletableFuture<Void> f = p.publish(unique("nottls"), "x").orTimeout(5, TimeUnit.SECONDS);
            assertThatThrownBy(f::get).isInstanceOf(ExecutionException.class);
        } finally {
            TestDaemons.stop(plain);
        }
    }

    // ---- nsq-j: TLS, snappy, deflate (it has all three, and client certificates through its SSLSocketFactory) ----

    @ParameterizedTest(name = "nsq-j tls={0} snappy={1} deflate={2} clientCert={3}")
    @CsvSource({"true,false,false,false", "true,true,false,false", "true,false,true,false", "false,true,false,false",
            "false,false,true,false", "true,false,false,true"})
    void nsqjPublishesAndConsumes(boolean tls, boolean snappy, boolean deflate, boolean clientCert) throws Exception {
        Daemon d = clientCert ? mutual : open;
        String topic = unique("nsqj");
        Config config = new Config();
        config.setTlsV1(tls);
        config.setSnappy(snappy);
        config.setDeflate(deflate);
        if (deflate) {
            config.setDeflateLevel(4);
        }
        Client pubClient = new Client();
        // DirectSubscriber always uses nsq-j's shared default client
        DirectSubscriber sub = new DirectSubscriber(1, "127.0.0.1:" + d.tcpPort());
        Client subClient = sub.getClient();
        SSLContext ctx = clientCert ? sslContext(certs.clientCert, certs.clientKey) : sslContext(null, null);
        pubClient.setSSLSocketFactory(ctx.getSocketFactory());
        subClient.setSSLSocketFactory(ctx.getSocketFactory());
        Set<String> got = ConcurrentHashMap.newKeySet();
        try {
            Publisher pub = new Publisher(pubClient, "127.0.0.1:" + d.tcpPort(), null);
            pub.setConfig(config);
            List<byte[]> batch = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                batch.add(("m" + i).getBytes(StandardCharsets.UTF_8));
            }
            pub.publish(topic, batch);
            pub.publish(topic, "single".getBytes(StandardCharsets.UTF_8));
            sub.setConfig(config);
            sub.subscribe(topic, "ch", 100, msg -> {
                got.add(new String(msg.getData(), StandardCharsets.UTF_8));
                msg.finish();
            });
            await().atMost(Duration.ofSeconds(20)).until(() -> got.size() == 501);
            await().atMost(Duration.ofSeconds(10)).until(() -> DaemonStats.channel(d, topic, "ch").inFlightCount() == 0);
        } finally {
            pubClient.stop(2);
            sub.stop();
        }
    }

    // ---- --tls-required ----

    @Test
    void tlsRequiredRefusesEveryPlaintextCommandWithNsqdsError() throws Exception {
        String topic = unique("req");
        for (String cmd : List.of("NOP", "PUB", "SUB", "AUTH")) {
            try (Socket s = new Socket("127.0.0.1", mutual.tcpPort())) {
                s.setSoTimeout(5000);
                OutputStream out = s.getOutputStream();
                out.write("  V2".getBytes(StandardCharsets.US_ASCII));
                switch (cmd) {
                    case "NOP" -> out.write("NOP\n".getBytes(StandardCharsets.US_ASCII));
                    case "SUB" -> out.write(("SUB " + topic + " ch\n").getBytes(StandardCharsets.US_ASCII));
                    case "PUB" -> {
                        out.write(("PUB " + topic + "\n").getBytes(StandardCharsets.US_ASCII));
                        out.write(int32(3));
                        out.write("abc".getBytes(StandardCharsets.US_ASCII));
                    }
                    default -> {
                        out.write("AUTH\n".getBytes(StandardCharsets.US_ASCII));
                        out.write(int32(3));
                        out.write("abc".getBytes(StandardCharsets.US_ASCII));
                    }
                }
                out.flush();
                DataInputStream in = new DataInputStream(s.getInputStream());
                byte[] f = readFrame(in);
                assertThat(f[3]).isEqualTo((byte) 1);
                assertThat(new String(f, 4, f.length - 4, StandardCharsets.UTF_8))
                        .isEqualTo("E_INVALID cannot " + cmd + " in current state (TLS required)");
                assertThat(in.read()).isEqualTo(-1); // fatal: closed
            }
        }
        assertThat(DaemonStats.topic(mutual, topic)).isNull();
    }

    @Test
    void tlsRequiredHttpAnswers403AndHttpsServesTheApi() throws Exception {
        HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + mutual.httpPort() + "/stats").openConnection();
        assertThat(c.getResponseCode()).isEqualTo(403);
        assertThat(c.getHeaderField("X-NSQ-Content-Type")).isEqualTo("nsq; version=1.0");
        try (InputStream in = c.getErrorStream()) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                    .isEqualTo("{\"message\": \"TLS_REQUIRED\", \"https_port\": " + mutual.httpsPort() + "}");
        }
        // HTTPS with the client certificate the policy asks for
        javax.net.ssl.HttpsURLConnection s = (javax.net.ssl.HttpsURLConnection)
                new URL("https://127.0.0.1:" + mutual.httpsPort() + "/ping").openConnection();
        s.setSSLSocketFactory(sslContext(certs.clientCert, certs.clientKey).getSocketFactory());
        assertThat(s.getResponseCode()).isEqualTo(200);
        // and the open daemon serves both
        javax.net.ssl.HttpsURLConnection o = (javax.net.ssl.HttpsURLConnection)
                new URL("https://127.0.0.1:" + open.httpsPort() + "/info").openConnection();
        o.setSSLSocketFactory(sslContext(null, null).getSocketFactory());
        assertThat(o.getResponseCode()).isEqualTo(200);
        try (InputStream in = o.getInputStream()) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).contains("\"http_port\":" + open.httpPort());
        }
        HttpURLConnection p = (HttpURLConnection) new URL("http://127.0.0.1:" + open.httpPort() + "/ping").openConnection();
        assertThat(p.getResponseCode()).isEqualTo(200);
    }

    @Test
    void requireVerifyOnHttpsRefusesAClientWithoutCertificate() throws Exception {
        javax.net.ssl.HttpsURLConnection s = (javax.net.ssl.HttpsURLConnection)
                new URL("https://127.0.0.1:" + mutual.httpsPort() + "/ping").openConnection();
        s.setSSLSocketFactory(sslContext(null, null).getSocketFactory());
        assertThatThrownBy(s::getResponseCode).isInstanceOf(IOException.class);
    }

    // ---- helpers ----

    static void roundTrip(Daemon d, ConnectionOptions c, String topic, int count) throws Exception {
        Set<String> got = ConcurrentHashMap.newKeySet();
        try (Producer p = Producer.create(ProducerOptions.builder("127.0.0.1:" + d.tcpPort()).connection(c).build())) {
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                sent.add(p.publish(topic, "m" + i + "-" + "x".repeat(i % 300)));
            }
            CompletableFuture.allOf(sent.toArray(new CompletableFuture[0])).get(20, TimeUnit.SECONDS);
            try (Consumer consumer = Consumer.create(ConsumerOptions.builder(topic, "ch",
                    m -> got.add(new String(m.body(), StandardCharsets.UTF_8))).daemon("127.0.0.1:" + d.tcpPort())
                    .connection(c).maxInFlight(200).build())) {
                await().atMost(Duration.ofSeconds(20)).until(() -> got.size() == count);
            }
        }
        assertThat(got).contains("m0-", "m" + (count - 1) + "-" + "x".repeat((count - 1) % 300));
    }

    static byte[] int32(int n) {
        return new byte[]{(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
    }

    static byte[] readFrame(DataInputStream in) throws IOException {
        int size = in.readInt();
        byte[] f = new byte[size];
        in.readFully(f);
        return f;
    }

    /** Trusts the test CA; presents {@code cert}/{@code key} when given. */
    static SSLContext sslContext(Path cert, Path key) throws Exception {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(certs.caCert)) {
            trust.setCertificateEntry("ca", cf.generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (cert != null) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            Certificate c;
            try (InputStream in = Files.newInputStream(cert)) {
                c = cf.generateCertificate(in);
            }
            String pem = Files.readString(key).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            PrivateKey k = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
            ks.setKeyEntry("client", k, new char[0], new Certificate[]{c});
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, new char[0]);
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

}
