package io.nodeq.daemon;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A daemon process holding 100,000 queued messages, some in flight and some deferred, is stopped
 * with SIGTERM and started again on the same data path: every queued and in-flight message is then
 * delivered once, and the deferred ones (DPUB, REQ with a delay) stay deferred until their due time
 * (nsqd delivers them at once after a restart; nodeq keeps the due time in the log and the cursor).
 */
class RestartTest {
    private static final int QUEUED = 100_000;
    private static final int DEFERRED = 1_000;
    private static final String TOPIC = "restart";

    @TempDir
    Path dir;

    @Test
    void everyQueuedInFlightAndDeferredMessageSurvivesSigterm() throws Exception {
        int inFlight;
        int requeuedWithDelay = 50;
        try (DaemonProcess first = DaemonProcess.start(dir)) {
            try (RawClient c = new RawClient(first.tcpPort()); RawClient p = new RawClient(first.tcpPort())) {
                assertThat(c.sub(TOPIC, "ch")).isEqualTo("OK");
                for (int i = 0; i < QUEUED; i += 1000) {
                    List<byte[]> batch = new ArrayList<>(1000);
                    for (int j = i; j < i + 1000; j++) {
                        batch.add(("m-" + j).getBytes(StandardCharsets.UTF_8));
                    }
                    assertThat(p.mpub(TOPIC, batch)).isEqualTo("OK");
                }
                for (int i = 0; i < DEFERRED; i++) {
                    p.send(io.nodeq.protocol.Commands.dpub(io.vertx.core.buffer.Buffer.buffer(), TOPIC, 3_000_000,
                            ("d-" + i).getBytes(StandardCharsets.UTF_8)));
                }
                for (int i = 0; i < DEFERRED; i++) {
                    assertThat(p.readResponse()).isEqualTo("OK");
                }
                // take 200 in flight and requeue 50 of them with a long delay (deferred)
                c.rdy(200);
                List<RawClient.Frame> held = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    held.add(c.readMessage());
                }
                c.rdy(0); // so the requeues free no credit for more deliveries
                for (int i = 0; i < requeuedWithDelay; i++) {
                    c.send("REQ " + held.get(i).id() + " 3000000\n");
                }
                inFlight = 200 - requeuedWithDelay;
                c.send("NOP\n");
                assertThat(c.quietFor(300)).isTrue();
            }
            assertThat(first.terminate()).isIn(0, 143);
            assertThat(first.output()).as(String.join("\n", first.output())).anyMatch(l -> l.contains("saved"));
        }

        try (DaemonProcess second = DaemonProcess.start(dir); RawClient c = new RawClient(second.tcpPort())) {
            assertThat(c.sub(TOPIC, "ch")).isEqualTo("OK");
            c.rdy(2500);
            BitSet queued = new BitSet(QUEUED);
            int received = 0;
            StringBuilder fins = new StringBuilder();
            // every queued and in-flight message, but not the ones requeued with a 50-minute delay
            while (queued.cardinality() < QUEUED - requeuedWithDelay) {
                RawClient.Frame m = c.readMessage();
                received++;
                String body = m.body();
                assertThat(body).startsWith("m-");
                queued.set(Integer.parseInt(body.substring(2)));
                fins.append("FIN ").append(m.id()).append('\n');
                if (received % 500 == 0) {
                    c.send(fins.toString());
                    fins.setLength(0);
                }
            }
            c.send(fins.toString());
            assertThat(c.quietFor(300)).isTrue();
            // nothing was finished before the stop, so nothing may come twice either
            assertThat(received).isEqualTo(QUEUED - requeuedWithDelay);
            assertThat(inFlight).isPositive();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> {
                String stats = get(second.httpPort(), "/stats?format=json&topic=" + TOPIC);
                return stats.contains("\"deferred_count\":" + (DEFERRED + requeuedWithDelay));
            });
            assertThat(second.terminate()).isIn(0, 143);
        }
    }

    private static String get(int port, String path) throws Exception {
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        return r.body();
    }
}
