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
    void noMessageArrivesAfterCloseWait() throws Exception {
        try (RawClient p = new RawClient(daemon.tcpPort()); RawClient c = new RawClient(daemon.tcpPort())) {
            assertThat(c.sub("cls_flow", "ch")).isEqualTo("OK");
            List<byte[]> batch = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                batch.add(("m" + i).getBytes(StandardCharsets.UTF_8));
            }
            assertThat(p.mpub("cls_flow", batch)).isEqualTo("OK");
            c.send("RDY 2500\nCLS\n"); // deliveries are still being written when CLS arrives
            int messages = 0;
            while (true) {
                RawClient.Frame f = c.readSkippingHeartbeats();
                if (f.isMessage()) {
                    messages++;
                    continue;
                }
                assertThat(f.text()).isEqualTo("CLOSE_WAIT");
                break;
            }
            assertThat(c.quietFor(300)).isTrue();
            assertThat(messages).isBetween(0, 2000);
        }
    }
}
