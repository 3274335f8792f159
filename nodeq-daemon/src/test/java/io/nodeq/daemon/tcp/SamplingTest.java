package io.nodeq.daemon.tcp;

import io.nodeq.daemon.DaemonExtension;
import io.nodeq.daemon.DaemonStats;
import io.nodeq.daemon.RawClient;
import io.nodeq.daemon.stats.StatsSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.nodeq.daemon.DaemonExtension.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Sampling (nsq-protocol.md §1.12): nsqd's TestSampling — sample_rate 42 over 10 000 messages keeps
 * (42+1) % of them within ±5 %; the rest are gone for the channel.
 */
class SamplingTest {
    private static final int MESSAGES = 10_000;

    @RegisterExtension
    static final DaemonExtension D = new DaemonExtension(b -> b.maxRdyCount(MESSAGES));

    @Test
    void sampleRate42KeepsAbout43Percent() throws Exception {
        String topic = unique("sample");
        try (RawClient c = D.client(); RawClient p = D.client()) {
            assertThat(c.identify("{\"sample_rate\":42}")).isEqualTo("OK");
            assertThat(c.sub(topic, "ch")).isEqualTo("OK");
            for (int batch = 0; batch < 10; batch++) {
                List<byte[]> bodies = new ArrayList<>();
                for (int i = 0; i < MESSAGES / 10; i++) {
                    bodies.add(("m" + (batch * 1000 + i)).getBytes(StandardCharsets.UTF_8));
                }
                assertThat(p.mpub(topic, bodies)).isEqualTo("OK");
            }
            c.rdy(MESSAGES);
            Set<String> ids = new HashSet<>();
            c.setTimeout(1000);
            try {
                while (ids.size() <= MESSAGES) {
                    assertThat(ids.add(c.readMessage().id())).isTrue();
                }
            } catch (SocketTimeoutException drained) {
                // one second without a message: the channel is drained
            }
            await().atMost(Duration.ofSeconds(10)).until(
                    () -> DaemonStats.existingChannel(D.daemon(), topic, "ch").depth() == 0);
            StatsSnapshot.ChannelStats ch = DaemonStats.existingChannel(D.daemon(), topic, "ch");
            assertThat(ch.inFlightCount()).isEqualTo(ids.size());
            assertThat(ch.deferredCount()).isZero();
            assertThat(ids.size()).isBetween(MESSAGES * 37 / 100, MESSAGES * 47 / 100);
        }
    }
}
