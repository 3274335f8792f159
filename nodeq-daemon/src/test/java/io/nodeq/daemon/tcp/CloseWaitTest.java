package io.nodeq.daemon.tcp;

import io.nodeq.daemon.Daemon;
import io.nodeq.daemon.RawClient;
import io.nodeq.daemon.TestDaemons;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** CLS under flow: clients close on CLOSE_WAIT, so no message may follow it. */
class CloseWaitTest {
    @TempDir
    Path dir;
    Daemon daemon;

    @BeforeEach
    void start() {
        daemon = TestDaemons.start(dir);
    }

    @AfterEach
    void stop() {
        TestDaemons.stop(daemon);
    }

    @Test
    void noMessageArrivesAfterCloseWaitWhilePublishersKeepGoing() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean publishing = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread producer = new Thread(() -> {
            try (RawClient p = new RawClient(daemon.tcpPort())) {
                List<byte[]> batch = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    batch.add(("m" + i).getBytes(StandardCharsets.UTF_8));
                }
                long end = System.nanoTime() + 60_000_000_000L;
                while (publishing.get() && System.nanoTime() < end) {
                    p.mpub("cls_flow", batch);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "cls-producer");
        try (RawClient setup = new RawClient(daemon.tcpPort())) {
            assertThat(setup.sub("cls_flow", "warm")).isEqualTo("OK"); // topic exists before publishing
        }
        producer.start();
        try {
            for (int round = 0; round < 10; round++) {
                try (RawClient c = new RawClient(daemon.tcpPort())) {
                    assertThat(c.sub("cls_flow", "ch" + round)).isEqualTo("OK");
                    c.rdy(2500);
                    for (int i = 0; i < 50; i++) {
                        c.readMessage(); // deliveries are flowing
                    }
                    c.send("CLS\n");
                    while (true) {
                        RawClient.Frame f = c.readSkippingHeartbeats();
                        if (!f.isMessage()) {
                            assertThat(f.text()).isEqualTo("CLOSE_WAIT");
                            break;
                        }
                    }
                    assertThat(c.quietFor(200)).isTrue();
                }
            }
        } finally {
            publishing.set(false);
            producer.join(10_000);
        }
    }
}
