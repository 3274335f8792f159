package io.nodeq.daemon.compat;

import io.nodeq.daemon.Daemon;
import io.nodeq.daemon.DaemonStats;
import io.nodeq.daemon.TestDaemons;
import io.nodeq.daemon.auth.TestAuthServer;
import io.nodeq.daemon.tls.TestCerts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.nodeq.daemon.DaemonExtension.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * NSQ's own go-nsq tools against a daemon with mutual TLS and AUTH: {@code to_nsq} publishes over
 * TLS + snappy with a client certificate and an auth secret, {@code nsq_tail} reads back over TLS +
 * deflate; without TLS {@code to_nsq} gets nothing in. The binaries are found through the system
 * property {@code nsq.bin} or the environment variable {@code NSQ_BIN} (a directory holding
 * to_nsq and nsq_tail); without them the test is skipped with a message.
 */
class NsqToolsTlsTest {
    @TempDir
    Path dir;

    static Path nsqBin() {
        String p = System.getProperty("nsq.bin", System.getenv("NSQ_BIN"));
        return p == null || p.isEmpty() ? null : Path.of(p);
    }

    @Test
    void toNsqAndNsqTailOverMutualTlsWithCompressionAndAuth() throws Exception {
        Path bin = nsqBin();
        assumeTrue(bin != null && Files.isExecutable(bin.resolve("to_nsq")) && Files.isExecutable(bin.resolve("nsq_tail")),
                "NSQ's to_nsq/nsq_tail not found: set -Dnsq.bin or NSQ_BIN to their directory to run this test");
        TestCerts certs = TestCerts.create(Files.createDirectories(dir.resolve("certs")));
        try (TestAuthServer auth = new TestAuthServer()
                .grant("go-secret", 3600, "gopher", "[{\"topic\":\".*\",\"channels\":[\".*\"],\"permissions\":[\"publish\",\"subscribe\"]}]")) {
            Daemon d = TestDaemons.start(Files.createDirectories(dir.resolve("data")), b -> b
                    .tlsCert(certs.serverCert.toString()).tlsKey(certs.serverKey.toString())
                    .tlsRootCaFile(certs.caCert.toString()).tlsClientAuthPolicy("require-verify")
                    .authHttpAddresses(List.of(auth.address())));
            try {
                String topic = unique("gotools");
                String addr = "127.0.0.1:" + d.tcpPort();
                List<String> tls = List.of("--producer-opt", "tls_v1,true", "--producer-opt",
                        "tls_root_ca_file," + certs.caCert, "--producer-opt", "tls_cert," + certs.clientCert,
                        "--producer-opt", "tls_key," + certs.clientKey, "--producer-opt", "auth_secret,go-secret");

                // plaintext: refused (TLS required), nothing gets in
                Result plain = run(List.of(bin.resolve("to_nsq").toString(), "--topic", topic, "--nsqd-tcp-address", addr,
                        "--producer-opt", "auth_secret,go-secret"), "lost\n", 20);
                assertThat(DaemonStats.topic(d, topic)).isNull();
                assertThat(plain.output).contains("E_INVALID cannot AUTH in current state (TLS required)");

                List<String> pub = new ArrayList<>(List.of(bin.resolve("to_nsq").toString(), "--topic", topic,
                        "--nsqd-tcp-address", addr, "--producer-opt", "snappy,true"));
                pub.addAll(tls);
                StringBuilder lines = new StringBuilder();
                for (int i = 0; i < 200; i++) {
                    lines.append("go-").append(i).append('\n');
                }
                Result published = run(pub, lines.toString(), 30);
                assertThat(published.code).as(published.output).isZero();
                assertThat(DaemonStats.topic(d, topic).messageCount()).isEqualTo(200);

                List<String> tail = new ArrayList<>(List.of(bin.resolve("nsq_tail").toString(), "--topic", topic,
                        "--channel", "tail", "--nsqd-tcp-address", addr, "--n", "200"));
                for (String o : tls) {
                    tail.add(o.equals("--producer-opt") ? "--consumer-opt" : o);
                }
                tail.addAll(List.of("--consumer-opt", "deflate,true", "--consumer-opt", "deflate_level,5"));
                // the channel must exist before the messages reach the topic: they are already
                // there, so the first SUB's channel gets them all
                Result tailed = run(tail, "", 30);
                assertThat(tailed.code).as(tailed.output).isZero();
                for (int i = 0; i < 200; i++) {
                    assertThat(tailed.output).contains("go-" + i + "\n");
                }
                assertThat(auth.queries).anySatisfy(q -> {
                    assertThat(q.get("tls")).isEqualTo("true");
                    assertThat(q.get("common_name")).isEqualTo("alice");
                });
            } finally {
                TestDaemons.stop(d);
            }
        }
    }

    record Result(int code, String output) {
    }

    static Result run(List<String> cmd, String stdin, int timeoutSeconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        StringBuilder out = new StringBuilder();
        Thread reader = new Thread(() -> {
            try {
                out.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                out.append("(read failed: ").append(e).append(')');
            }
        });
        reader.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        reader.join(5000);
        synchronized (out) {
            return new Result(p.exitValue(), out.toString());
        }
    }
}
