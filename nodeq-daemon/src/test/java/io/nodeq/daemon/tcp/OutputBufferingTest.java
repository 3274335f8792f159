package io.nodeq.daemon.tcp;

import io.nodeq.daemon.DaemonExtension;
import io.nodeq.daemon.RawClient;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A subscribed consumer gets every message, whole and in order, whatever its IDENTIFY
 * output_buffer_size: the smallest (64, below most frames here), nsqd's default (0 → 16 KiB), the
 * largest allowed (64 KiB, with a 1 s timeout that must not hold anything), and -1 (no buffer);
 * publishers on both event loops send single PUBs while it reads and FINs, so frames of several
 * shards' passes meet in its output buffer between the connection's own writes.
 */
class OutputBufferingTest {
    @RegisterExtension
    static final DaemonExtension D = new DaemonExtension();

    private static final int PUBLISHERS = 3;
    private static final int EACH = 300;

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"output_buffer_size\":64}",
            "{\"output_buffer_size\":0}",
            "{\"output_buffer_size\":65536,\"output_buffer_timeout\":1000}",
            "{\"output_buffer_size\":-1}"})
    void everyMessageArrivesWholeAndInOrderPerPublisher(String identify) throws Exception {
        String topic = DaemonExtension.unique("outbuf");
        try (RawClient c = D.client()) {
            assertThat(c.identify(identify)).isEqualTo("OK");
            assertThat(c.sub(topic, "ch")).isEqualTo("OK");
            c.rdy(PUBLISHERS * EACH);
            ExecutorService pool = Executors.newFixedThreadPool(PUBLISHERS);
            List<Future<?>> sent = new ArrayList<>();
            for (int p = 0; p < PUBLISHERS; p++) {
                int publisher = p;
                sent.add(pool.submit(() -> {
                    try (RawClient pub = D.client()) {
                        for (int i = 0; i < EACH; i++) {
                            assertThat(pub.pub(topic, body(publisher, i))).isEqualTo("OK");
                        }
                    }
                    return null;
                }));
            }
            int[] next = new int[PUBLISHERS];
            for (int n = 0; n < PUBLISHERS * EACH; n++) {
                RawClient.Frame m = c.readMessage();
                String body = new String(m.bodyBytes(), StandardCharsets.US_ASCII);
                int publisher = body.charAt(0) - 'a';
                assertThat(body).isEqualTo(new String(body(publisher, next[publisher]), StandardCharsets.US_ASCII));
                next[publisher]++;
                c.fin(m.id());
            }
            for (Future<?> f : sent) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertThat(next).containsOnly(EACH);
            assertThat(c.quietFor(200)).isTrue();
        }
    }

    /** Publisher {@code p}'s {@code i}th body: 'a'+p, its number, padding to 10..409 bytes. */
    private static byte[] body(int p, int i) {
        String head = (char) ('a' + p) + ":" + i + ":";
        int len = 10 + (i * 37) % 400;
        StringBuilder b = new StringBuilder(head);
        while (b.length() < len) {
            b.append((char) ('0' + b.length() % 10));
        }
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
