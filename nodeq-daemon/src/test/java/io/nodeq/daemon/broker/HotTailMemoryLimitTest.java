package io.nodeq.daemon.broker;

import io.nodeq.daemon.DaemonProcess;
import io.nodeq.daemon.RawClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hot tail lives in direct memory, bounded by -XX:MaxDirectMemorySize less a reserve for the
 * network's buffers: a backlog that reaches the bound gets its publishes refused like a storage
 * failure, and the daemon goes on (its HTTP API answers, a topic deleted gives the memory back,
 * publishes are taken again). A daemon process of its own, with a small direct-memory limit.
 */
class HotTailMemoryLimitTest {

    @Test
    void aFullTailRefusesPublishesAndTheDaemonGoesOn(@TempDir Path dir) throws Exception {
        try (DaemonProcess d = DaemonProcess.start(dir, List.of("-XX:MaxDirectMemorySize=96m"),
                "--mem-queue-size=1000000")) {
            List<byte[]> batch = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                batch.add(new byte[100_000]);
            }
            String refused = null;
            try (RawClient p = new RawClient(d.tcpPort())) {
                for (int i = 0; i < 200 && refused == null; i++) { // 200 MB at most
                    String answer = p.mpub("full", batch);
                    if (!answer.equals("OK")) {
                        refused = answer;
                    }
                }
            }
            // fatal, as E_MPUB_FAILED is for a failed write: the producer reconnects (or tries another daemon)
            assertThat(refused).startsWith("ERROR E_MPUB_FAILED MPUB failed no memory for the hot tail");
            try (RawClient p = new RawClient(d.tcpPort())) {
                HttpResponse<String> deleted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + d.httpPort() + "/topic/delete?topic=full"))
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(deleted.statusCode()).isEqualTo(200);
                assertThat(p.mpub("after", batch)).isEqualTo("OK");
            }
        }
    }
}
