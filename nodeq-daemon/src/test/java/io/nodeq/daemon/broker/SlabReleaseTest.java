package io.nodeq.daemon.broker;

import io.nodeq.daemon.Daemon;
import io.nodeq.daemon.DaemonStats;
import io.nodeq.daemon.RawClient;
import io.nodeq.daemon.TestDaemons;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The hot tail's direct-memory slabs go back once nothing holds them, on every path by which a
 * channel drops a message (FIN, dead-letter, empty, channel delete, topic delete, shutdown), and a
 * message whose slab left the tail is delivered again from it, with its own bytes, after a REQ or
 * a timeout. With --mem-queue-size 0 the tail lets a record go as soon as it is written, so what
 * keeps a slab after that is a message (or a lane write) and nothing else. Each test has a daemon
 * of its own: the slab count is the daemon's.
 */
class SlabReleaseTest {
    /** Eight records to a 1 MiB slab: 24 messages fill three. */
    private static final int BODY = 120_000;
    private static final int MESSAGES = 24;

    @TempDir
    Path dir;
    private Daemon daemon;
    private ShardedBroker broker;

    private void start() {
        daemon = TestDaemons.start(dir, b -> b.memQueueSize(0).msgTimeout(Duration.ofMillis(1000)));
        broker = (ShardedBroker) daemon.broker();
    }

    @AfterEach
    void stop() {
        TestDaemons.stop(daemon);
    }

    private static byte[] body(int i) {
        byte[] b = new byte[BODY];
        Arrays.fill(b, (byte) (i * 7 + 1));
        b[0] = (byte) i;
        return b;
    }

    private static List<byte[]> bodies() {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < MESSAGES; i++) {
            out.add(body(i));
        }
        return out;
    }

    private RawClient client() throws Exception {
        return new RawClient(daemon.tcpPort());
    }

    /** A consumer of topic:channel that will not time out, with RDY for every message. */
    private RawClient consumer(String topic, String channel) throws Exception {
        RawClient c = client();
        assertThat(c.identify("{\"msg_timeout\":60000}")).isEqualTo("OK");
        assertThat(c.sub(topic, channel)).isEqualTo("OK");
        c.rdy(MESSAGES);
        return c;
    }

    /** Reads {@code n} messages, checking each has the bytes it was published with; by body number. */
    private static Map<Integer, RawClient.Frame> read(RawClient c, int n) throws Exception {
        Map<Integer, RawClient.Frame> out = new HashMap<>();
        for (int i = 0; i < n; i++) {
            RawClient.Frame f = c.readMessage();
            int number = f.bodyBytes()[0];
            assertThat(f.bodyBytes()).isEqualTo(body(number));
            out.put(number, f);
        }
        return out;
    }

    /** Waits until the topic's tail holds no record: every slab left is held by a message or a write. */
    private void awaitTailEmpty(String topic) {
        await().atMost(Duration.ofSeconds(10)).until(() -> DaemonStats.await(broker.shardFor(topic).ask(s -> {
            Topic t = s.topic(topic);
            return t.tail.startSeq() == t.tail.endSeq() && t.writtenSeq == t.tail.endSeq();
        })));
    }

    private void awaitSlabs(long n) {
        await().atMost(Duration.ofSeconds(10)).until(() -> broker.hotTailSlabs().slabs() == n);
    }

    @Test
    void messagesRedeliveredAfterTheirSlabLeftTheTailHaveTheirBytesAndFinishFreesIt() throws Exception {
        start();
        try (RawClient c = consumer("redeliver", "ch"); RawClient t = client(); RawClient p = client()) {
            // a second channel's consumer without IDENTIFY: the daemon's 1 s timeout requeues its messages
            assertThat(t.sub("redeliver", "timeouts")).isEqualTo("OK");
            t.rdy(MESSAGES);
            assertThat(p.mpub("redeliver", bodies())).isEqualTo("OK");
            Map<Integer, RawClient.Frame> held = read(c, MESSAGES);
            Map<Integer, RawClient.Frame> timingOut = read(t, MESSAGES);
            awaitTailEmpty("redeliver");
            assertThat(broker.hotTailSlabs().slabs()).isEqualTo(3); // out of the tail, held by the messages

            for (int i = 0; i < MESSAGES; i++) {
                c.req(held.get(i).id(), 0);
            }
            Map<Integer, RawClient.Frame> again = read(c, MESSAGES); // checks the bytes
            assertThat(again.get(0).attempts()).isEqualTo(2);
            Map<Integer, RawClient.Frame> timedOut = read(t, MESSAGES);
            assertThat(timedOut.get(MESSAGES - 1).attempts()).isEqualTo(2);
            assertThat(timedOut.get(5).id()).isEqualTo(timingOut.get(5).id());

            // the timing-out channel goes (a FIN there could come after its next timeout on a loaded box)
            assertThat(DaemonStats.await(broker.deleteChannel("redeliver", "timeouts"))).isEqualTo(Broker.Result.OK);
            assertThat(broker.hotTailSlabs().slabs()).isEqualTo(3);
            for (RawClient.Frame f : again.values()) {
                c.fin(f.id());
            }
            awaitSlabs(0);
            assertThat(broker.hotTailSlabs().bytes()).isZero();
        }
    }

    @Test
    void deadLetteredMessagesFreeTheirSlabs() throws Exception {
        start();
        DaemonStats.await(broker.createTopic("dl"));
        DaemonStats.await(broker.createChannel("dl", "ch", new ChannelSettings.Update(1, "dl.dead")));
        DaemonStats.await(broker.createTopic("dl.dead"));
        DaemonStats.await(broker.createChannel("dl.dead", "keep"));
        try (RawClient c = consumer("dl", "ch"); RawClient p = client()) {
            assertThat(p.mpub("dl", bodies())).isEqualTo("OK");
            Map<Integer, RawClient.Frame> held = read(c, MESSAGES);
            awaitTailEmpty("dl");
            for (RawClient.Frame f : held.values()) {
                c.req(f.id(), 0); // attempts 1 = max: dead-lettered, finished here once published there
            }
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    DaemonStats.existingChannel(daemon, "dl.dead", "keep").depth() == MESSAGES);
            awaitTailEmpty("dl.dead");
            awaitSlabs(0); // the dead-letter topic's copies are written and out of its tail too
        }
    }

    @Test
    void emptyingAndDeletingChannelsAndTopicsFreesTheirMessagesSlabs() throws Exception {
        start();
        try (RawClient a = consumer("drop", "a"); RawClient b = consumer("drop", "b");
             RawClient x = consumer("other", "x"); RawClient p = client()) {
            assertThat(p.mpub("drop", bodies())).isEqualTo("OK");
            assertThat(p.mpub("other", bodies())).isEqualTo("OK");
            Map<Integer, RawClient.Frame> inA = read(a, MESSAGES);
            Map<Integer, RawClient.Frame> inB = read(b, MESSAGES);
            read(x, MESSAGES);
            // a: some deferred, some requeued (RDY 0 keeps them so), the rest in flight
            a.rdy(0);
            for (int i = 0; i < 8; i++) {
                a.req(inA.get(i).id(), 60_000);
                a.req(inA.get(i + 8).id(), 0);
                b.req(inB.get(i).id(), 60_000);
            }
            awaitTailEmpty("drop");
            awaitTailEmpty("other");
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                var s = DaemonStats.existingChannel(daemon, "drop", "a");
                return s.deferredCount() == 8 && s.depth() == 8;
            });
            assertThat(broker.hotTailSlabs().slabs()).isEqualTo(6);

            assertThat(DaemonStats.await(broker.emptyChannel("drop", "a"))).isEqualTo(Broker.Result.OK);
            assertThat(broker.hotTailSlabs().slabs()).isEqualTo(6); // b holds the same slabs
            assertThat(DaemonStats.await(broker.deleteChannel("drop", "b"))).isEqualTo(Broker.Result.OK);
            awaitSlabs(3);
            assertThat(DaemonStats.await(broker.deleteTopic("other"))).isEqualTo(Broker.Result.OK);
            awaitSlabs(0);
        }
    }

    @Test
    void aShutdownReleasesEverySlabItsHoldersHad() throws Exception {
        start();
        try (RawClient c = consumer("close", "ch"); RawClient p = client()) {
            assertThat(p.mpub("close", bodies())).isEqualTo("OK");
            Map<Integer, RawClient.Frame> held = read(c, MESSAGES);
            c.req(held.get(0).id(), 60_000);
            // the tail keeps what is not written yet; messages, deferred and in flight, hold the rest
            assertThat(p.mpub("close", bodies())).isEqualTo("OK");
            assertThat(broker.hotTailSlabs().slabs()).isPositive();
            TestDaemons.stop(daemon);
            daemon = null;
        }
        assertThat(broker.hotTailSlabs()).isEqualTo(new ShardedBroker.SlabUsage(0, 0, 0));
    }
}
