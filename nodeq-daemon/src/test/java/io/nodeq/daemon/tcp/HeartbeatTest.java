package io.nodeq.daemon.tcp;

import io.nodeq.daemon.DaemonExtension;
import io.nodeq.daemon.RawClient;
import io.nodeq.protocol.Frames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.EOFException;
import java.net.SocketTimeoutException;
import java.time.Duration;

import static io.nodeq.daemon.DaemonExtension.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Heartbeats and the read deadline (nsq-protocol.md §1.9): nsqd's TestClientTimeout,
 * TestClientHeartbeat, TestClientHeartbeatDisable(SUB), TestMaxHeartbeatInterval(In)Valid.
 */
class HeartbeatTest {
    /** Default heartbeat 1 s (half the client timeout), max heartbeat interval as in nsqd's test. */
    @RegisterExtension
    static final DaemonExtension D = new DaemonExtension(b -> b.clientTimeout(Duration.ofSeconds(2))
            .maxHeartbeatInterval(Duration.ofMinutes(5)));

    @Test
    void twoMissedHeartbeatsCloseTheConnectionWithoutAnErrorFrame() throws Exception {
        try (RawClient c = D.client()) {
            assertThat(c.identify("{\"heartbeat_interval\":1000}")).isEqualTo("OK");
            long start = System.nanoTime();
            int heartbeats = 0;
            c.setTimeout(8000);
            while (true) {
                RawClient.Frame f;
                try {
                    f = c.read();
                } catch (EOFException e) {
                    break;
                }
                assertThat(f.type()).isEqualTo(Frames.FRAME_TYPE_RESPONSE);
                assertThat(f.text()).isEqualTo(Frames.HEARTBEAT);
                heartbeats++;
            }
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(heartbeats).isBetween(1, 2);
            // nsqd: heartbeats at 1 s and 2 s, closed at about 2 s
            assertThat(elapsedMs).isBetween(1800L, 6000L);
        }
    }

    @Test
    void nopAnswersKeepASubscribedClientAlivePastTheDeadline() throws Exception {
        String topic = unique("hb");
        try (RawClient c = D.client()) {
            assertThat(c.identify("{\"heartbeat_interval\":1000}")).isEqualTo("OK");
            assertThat(c.sub(topic, "ch")).isEqualTo("OK");
            long end = System.nanoTime() + 3_500_000_000L;
            int heartbeats = 0;
            while (System.nanoTime() < end) {
                RawClient.Frame f = c.read(3000);
                assertThat(f.text()).isEqualTo(Frames.HEARTBEAT);
                heartbeats++;
                c.nop();
            }
            assertThat(heartbeats).isGreaterThanOrEqualTo(3);
            assertThat(c.pub(topic, "still here")).isEqualTo("OK");
        }
    }

    @Test
    void everyConnectionGetsHeartbeatsEvenWithoutIdentify() throws Exception {
        try (RawClient c = D.client()) {
            RawClient.Frame f = c.read(3000);
            assertThat(f.type()).isEqualTo(Frames.FRAME_TYPE_RESPONSE);
            assertThat(f.text()).isEqualTo(Frames.HEARTBEAT);
        }
    }

    @Test
    void subIsRefusedWithHeartbeatsDisabled() throws Exception {
        try (RawClient c = D.client()) {
            assertThat(c.identify("{\"heartbeat_interval\":-1}")).isEqualTo("OK");
            assertThat(c.sub(unique("hb"), "ch")).isEqualTo("ERROR E_INVALID cannot SUB with heartbeats disabled");
            assertThat(c.closedByServer(2000)).isTrue();
        }
    }

    @Test
    void aSilentClientWithHeartbeatsDisabledIsNotDisconnected() throws Exception {
        try (RawClient c = D.client()) {
            assertThat(c.identify("{\"heartbeat_interval\":-1}")).isEqualTo("OK");
            // 1.5x the 2 s deadline the default heartbeat would have given it: no heartbeat, no close
            assertThatThrownBy(() -> c.read(3000)).isInstanceOf(SocketTimeoutException.class);
            c.nop();
            assertThat(c.pub(unique("hb"), "alive")).isEqualTo("OK");
        }
    }

    @Test
    void heartbeatIntervalEqualToTheMaximumIsAccepted() throws Exception {
        try (RawClient c = D.client()) {
            assertThat(c.identify("{\"feature_negotiation\":true,\"heartbeat_interval\":300000}"))
                    .startsWith("{\"max_rdy_count\":");
        }
    }

    @Test
    void heartbeatIntervalOutOfRangeIsFatal() throws Exception {
        for (int bad : new int[] {300001, 999, -2}) {
            try (RawClient c = D.client()) {
                assertThat(c.identify("{\"heartbeat_interval\":" + bad + "}"))
                        .isEqualTo("ERROR E_BAD_BODY IDENTIFY heartbeat interval (" + bad + ") is invalid");
                assertThat(c.closedByServer(2000)).isTrue();
            }
        }
    }
}
