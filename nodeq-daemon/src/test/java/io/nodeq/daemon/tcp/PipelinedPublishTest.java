package io.nodeq.daemon.tcp;

import io.nodeq.daemon.DaemonExtension;
import io.nodeq.daemon.RawClient;
import io.nodeq.daemon.broker.Durability;
import io.nodeq.protocol.Commands;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Publishers that pipeline PUB, DPUB and MPUB without waiting for their OKs, on both event loops,
 * with bodies from 8 bytes to 40 KB: the daemon decodes them into body blocks that it reuses as
 * soon as the shard has copied them, so a body released too early would come out with another's
 * bytes. Every body must arrive once and exactly as sent, on a memory-first and a durable topic
 * (whose publishes are answered, and their blocks freed, only after the fsync).
 */
class PipelinedPublishTest {
    @RegisterExtension
    static final DaemonExtension D = new DaemonExtension();

    private static final int PUBLISHERS = 4;
    private static final int COMMANDS = 400;

    @ParameterizedTest
    @ValueSource(strings = {"memory-first", "durable"})
    void everyBodyArrivesOnceAndIntact(String durability) throws Exception {
        String topic = DaemonExtension.unique("piped");
        D.daemon().broker().createTopic(topic, Durability.parse(durability)).toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        ExecutorService pool = Executors.newFixedThreadPool(PUBLISHERS);
        List<Future<Integer>> sent = new ArrayList<>();
        for (int p = 0; p < PUBLISHERS; p++) {
            int publisher = p;
            sent.add(pool.submit(() -> publish(topic, publisher)));
        }
        int total = 0;
        for (Future<Integer> f : sent) {
            total += f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();

        Set<Long> seen = new HashSet<>();
        try (RawClient c = D.client()) {
            assertThat(c.sub(topic, "ch")).isEqualTo("OK");
            c.rdy(2500);
            for (int i = 0; i < total; i++) {
                RawClient.Frame m = c.readMessage();
                byte[] body = m.bodyBytes();
                long key = ByteBuffer.wrap(body).getLong();
                assertThat(body).as("body of publisher %d message %d", key >>> 32, key & 0xFFFFFFFFL)
                        .isEqualTo(body((int) (key >>> 32), (int) key, body.length));
                assertThat(seen.add(key)).as("message %x delivered twice", key).isTrue();
                c.fin(m.id());
            }
            assertThat(c.quietFor(200)).isTrue();
        }
        assertThat(seen).hasSize(total);
    }

    /** Sends COMMANDS publishes in pipelined bursts, then reads their replies; returns the message count. */
    private static int publish(String topic, int publisher) throws Exception {
        Random random = new Random(publisher);
        int seq = 0;
        try (RawClient c = D.client()) {
            c.setTimeout(30_000);
            for (int sentCommands = 0; sentCommands < COMMANDS; ) {
                Buffer burst = Buffer.buffer();
                for (int k = 0; k < 20; k++, sentCommands++) {
                    switch (random.nextInt(3)) {
                        case 0 -> Commands.pub(burst, topic, body(publisher, seq++, size(random)));
                        case 1 -> Commands.dpub(burst, topic, 0, body(publisher, seq++, size(random)));
                        default -> {
                            List<byte[]> bodies = new ArrayList<>();
                            for (int n = 1 + random.nextInt(60); n > 0; n--) {
                                bodies.add(body(publisher, seq++, size(random)));
                            }
                            Commands.mpub(burst, topic, bodies);
                        }
                    }
                }
                c.send(burst);
                for (int k = 0; k < 20; k++) {
                    assertThat(c.readResponse()).isEqualTo("OK");
                }
            }
        }
        return seq;
    }

    /** Mostly small bodies, some across a block's end, a few over the 32 KiB that get arrays of their own. */
    private static int size(Random random) {
        int r = random.nextInt(100);
        return r < 80 ? 8 + random.nextInt(300) : r < 98 ? 300 + random.nextInt(4000) : 32 * 1024 + random.nextInt(8000);
    }

    private static byte[] body(int publisher, int seq, int size) {
        byte[] b = new byte[size];
        ByteBuffer.wrap(b).putLong((long) publisher << 32 | seq);
        for (int i = 8; i < size; i++) {
            b[i] = (byte) (publisher * 31 + seq * 7 + i);
        }
        return b;
    }
}
