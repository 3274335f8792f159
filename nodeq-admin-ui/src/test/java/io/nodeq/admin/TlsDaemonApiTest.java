package io.nodeq.admin;

import io.nodeq.daemon.Daemon;
import io.nodeq.daemon.DaemonOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The admin UI against a daemon with {@code --tls-required}: its plain HTTP port answers 403
 * TLS_REQUIRED, and the admin follows to the HTTPS port as nsqadmin does, trusting the daemon's
 * certificate through {@code --http-client-tls-root-ca-file}. The certificate is made at test time
 * with the JDK's keytool.
 */
class TlsDaemonApiTest {
    @TempDir
    Path tmp;

    @Test
    void adminFollowsTlsRequiredToHttpsAndShowsTheDaemon() throws Exception {
        Path cert = tmp.resolve("server.pem");
        Path key = tmp.resolve("server.key");
        selfSigned(tmp.resolve("server.p12"), cert, key);
        Daemon d = Daemon.start(DaemonOptions.forTest(Files.createDirectories(tmp.resolve("data")))
                .tlsCert(cert.toString()).tlsKey(key.toString()).httpsAddress("127.0.0.1:0").tlsRequired("true")
                .build()).await(30, TimeUnit.SECONDS);
        AdminServer admin = null;
        try {
            d.broker().createTopic("secured").await(5, TimeUnit.SECONDS);
            assertThat(Http.getAbs("http://127.0.0.1:" + d.httpPort() + "/stats").status()).isEqualTo(403);
            admin = AdminServer.start(AdminOptions.forNsqds(List.of("127.0.0.1:" + d.httpPort()))
                    .withHttpClientTls(new HttpClientTls(cert.toString(), null, null, false))).await(10, TimeUnit.SECONDS);
            int port = admin.httpPort();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                JsonObject topics = Http.get(port, "/api/topics").json();
                assertThat(topics.encode()).contains("secured");
            });
        } finally {
            if (admin != null) {
                admin.close().await(10, TimeUnit.SECONDS);
            }
            d.close().await(30, TimeUnit.SECONDS);
        }
    }

    /** keytool makes the key pair and certificate; the JDK writes them as PEM. */
    static void selfSigned(Path p12, Path certPem, Path keyPem) throws Exception {
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "daemon", "-keyalg", "EC", "-groupname",
                "secp256r1", "-dname", "CN=127.0.0.1", "-ext", "san=ip:127.0.0.1,dns:localhost", "-validity", "2",
                "-keystore", p12.toString(), "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0).as(out).isTrue();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            ks.load(in, "changeit".toCharArray());
        }
        Key k = ks.getKey("daemon", "changeit".toCharArray());
        Certificate c = ks.getCertificate("daemon");
        Base64.Encoder b64 = Base64.getMimeEncoder(64, "\n".getBytes());
        Files.writeString(certPem, "-----BEGIN CERTIFICATE-----\n" + b64.encodeToString(c.getEncoded())
                + "\n-----END CERTIFICATE-----\n");
        Files.writeString(keyPem, "-----BEGIN PRIVATE KEY-----\n" + b64.encodeToString(k.getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
    }
}
