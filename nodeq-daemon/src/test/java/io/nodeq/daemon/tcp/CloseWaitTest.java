package io.nodeq.daemon.tcp;

import io.nodeq.daemon.DaemonExtension;
import io.nodeq.daemon.RawClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** CLS under flow: clients close on CLOSE_WAIT, so no message may follow it. */
class CloseWaitTest {
    @RegisterExtension
    static final DaemonExtension D = new DaemonExtension();

    @Test
    void noMessageArrivesAfterCloseWaitWhilePublishersKeepGoing() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean publishing = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread producer = new Thread(() -> {
            try (RawClient p = new RawClient(D.tcpPort())) {
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
        try (RawClient setup = new RawClient(D.tcpPort())) {
            assertThat(setup.sub("cls_flow", "warm")).isEqualTo("OK"); // topic exists before publishing
        }
        producer.start();
        try {
            for (int round = 0; round < 10; round++) {
                try (RawClient c = new RawClient(D.tcpPort())) {
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
