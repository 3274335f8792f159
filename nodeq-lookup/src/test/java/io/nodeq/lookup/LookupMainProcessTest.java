package io.nodeq.lookup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nodeq.lookup.LookupTestSupport.V1Client;
import io.vertx.core.json.JsonArray;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The command line as a user meets it: separate JVMs, exit codes, SIGTERM, a two-process cluster. */
class LookupMainProcessTest {

    @Test
    void helpAndBadFlags() throws Exception {
        try (LookupProcess help = new LookupProcess("--help")) {
            assertThat(help.waitFor(Duration.ofSeconds(30))).isZero();
            String out = String.join("\n", help.stdout);
            assertThat(out).contains("--tcp-address").contains("(default \"0.0.0.0:4160\")")
                    .contains("--inactive-producer-timeout").contains("--cluster-member");
        }
        try (LookupProcess bad = new LookupProcess("--tombstone-lifetime", "soon")) {
            assertThat(bad.waitFor(Duration.ofSeconds(30))).isEqualTo(2);
            await().atMost(Duration.ofSeconds(2)).until(() -> !bad.stderr.isEmpty());
            assertThat(bad.stderr).containsExactly("nodeq-lookup: invalid value \"soon\" for flag --tombstone-lifetime: "
                    + "not a duration (examples: 60s, 250ms, 1h30m)");
        }
    }

    @Test
    void servesThenStopsCleanlyOnSigterm() throws Exception {
        try (LookupProcess p = new LookupProcess("--tcp-address", "127.0.0.1:0", "--http-address", "127.0.0.1:0",
                "--broadcast-address", "127.0.0.1", "--log-prefix", "[lk-test] ")) {
            int[] ports = p.ports();
            try (V1Client c = new V1Client(ports[0])) {
                c.write("  V1");
                assertThat(c.identify("10.3.3.3", 4150, 4151).getInteger("http_port")).isEqualTo(ports[1]);
                assertThat(c.command("REGISTER proc-topic")).isEqualTo("OK");
                JsonArray producers = LookupTestSupport.http(ports[1], "GET", "/lookup?topic=proc-topic").json()
                        .getJsonArray("producers");
                assertThat(producers).hasSize(1);
            }
            // this machine is slow: let the lookup see the disconnect before the signal
            await().atMost(Duration.ofSeconds(20)).until(() -> p.stderr.stream()
                    .anyMatch(l -> l.contains("UNREGISTER category:topic key:proc-topic")));
            // SIGTERM through the handle: Process.destroy() would also close our end of its pipes
            p.process.toHandle().destroy();
            assertThat(p.waitFor(Duration.ofSeconds(30))).isEqualTo(143);
            assertThat(p.stderr).anyMatch(l -> l.startsWith("[lk-test] ") && l.contains("TCP: listening on"));
            // the reader thread may still be draining the last lines
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(p.stderr).anyMatch(l -> l.contains("lookup stopped")));
        }
    }

    @Test
    void twoLookupProcessesShareOneRegistryAndSurviveAKill() throws Exception {
        String name = "lookup-process-test-" + ProcessHandle.current().pid();
        String[] common = {"--tcp-address", "127.0.0.1:0", "--http-address", "127.0.0.1:0", "--broadcast-address",
                "127.0.0.1", "--cluster-name", name, "--cluster-member", "127.0.0.1:5941", "--cluster-member",
                "127.0.0.1:5942"};
        try (LookupProcess one = new LookupProcess(concat(common, "--cluster-bind", "127.0.0.1:5941"));
             LookupProcess two = new LookupProcess(concat(common, "--cluster-bind", "127.0.0.1:5942"))) {
            int[] p1 = one.ports();
            int[] p2 = two.ports();
            await().atMost(Duration.ofSeconds(30)).until(() -> two.stderr.stream()
                    .anyMatch(l -> l.contains("CLUSTER: joined")));
            try (V1Client c = new V1Client(p1[0])) {
                c.write("  V1");
                c.identify("10.4.4.4", 4150, 4151);
                assertThat(c.command("REGISTER shared-topic ch")).isEqualTo("OK");
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                        assertThat(LookupTestSupport.http(p2[1], "GET", "/lookup?topic=shared-topic").json()
                                .getJsonArray("producers")).hasSize(1));
                // kill -9 the lookup the daemon is connected to: the other keeps its registration
                one.process.destroyForcibly().waitFor();
            }
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                LookupTestSupport.Reply r = LookupTestSupport.http(p2[1], "GET", "/lookup?topic=shared-topic");
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.json().getJsonArray("producers")).hasSize(1);
                assertThat(r.json().getJsonArray("channels")).containsExactly("ch");
            });
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
