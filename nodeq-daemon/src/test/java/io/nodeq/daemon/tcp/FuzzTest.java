package io.nodeq.daemon.tcp;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.nodeq.client.Consumer;
import io.nodeq.client.ConsumerOptions;
import io.nodeq.client.Producer;
import io.nodeq.client.ProducerOptions;
import io.nodeq.daemon.Daemon;
import io.nodeq.daemon.TestDaemons;
import io.nodeq.protocol.Commands;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static io.nodeq.daemon.DaemonExtension.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Random and mutated frames (valid commands with bytes flipped, cut, repeated or replaced by huge
 * or negative sizes, and plain garbage) over many short connections, while a normal producer and
 * consumer run: the daemon keeps serving, logs no stack trace for any of it, its heap stays
 * bounded, and the normal pair loses nothing. Bounded: at least 100,000 frames, stops at 45 s.
 */
class FuzzTest {
    private static final int MIN_FRAMES = 100_000;
    private static final long MAX_NANOS = TimeUnit.SECONDS.toNanos(45);
    private static final int FRAMES_PER_CONNECTION = 40;

    @TempDir
    Path dir;

    /** Log events that carry a stack trace, or that are errors. */
    static final class TraceCatcher extends AppenderBase<ILoggingEvent> {
        final List<String> bad = new CopyOnWriteArrayList<>();

        @Override
        protected void append(ILoggingEvent e) {
            if (e.getThrowableProxy() != null || e.getLevel().toInt() >= ch.qos.logback.classic.Level.ERROR_INT) {
                bad.add(e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage()
                        + (e.getThrowableProxy() == null ? "" : " / " + e.getThrowableProxy().getClassName()
                        + ": " + e.getThrowableProxy().getMessage()));
            }
        }
    }

    @Test
    void randomAndMutatedFramesNeitherKillTheDaemonNorDisturbANormalPair() throws Exception {
        TraceCatcher catcher = new TraceCatcher();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        catcher.setContext(root.getLoggerContext());
        catcher.start();
        root.addAppender(catcher);
        // the fuzz connections log a line each; keep the test's output readable
        Logger conn = (Logger) LoggerFactory.getLogger(ClientConnection.class);
        ch.qos.logback.classic.Level oldLevel = conn.getLevel();
        conn.setLevel(ch.qos.logback.classic.Level.WARN);

        Daemon d = TestDaemons.start(dir, b -> b.maxMsgSize(64 * 1024).maxBodySize(256 * 1024));
        String topic = unique("fuzz-normal");
        Set<String> received = ConcurrentHashMap.newKeySet();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong frames = new AtomicLong();
        AtomicLong connections = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (Producer producer = Producer.create(ProducerOptions.builder("127.0.0.1:" + d.tcpPort()).build());
             Consumer consumer = Consumer.create(ConsumerOptions.builder(topic, "ch",
                     m -> received.add(m.bodyAsString())).daemon("127.0.0.1:" + d.tcpPort()).build())) {
            System.gc();
            long heapBefore = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            long start = System.nanoTime();
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < 3; w++) {
                long seed = 1234L + w;
                workers.add(pool.submit(() -> fuzz(d.tcpPort(), new SplittableRandom(seed), frames, connections, stop, start)));
            }
            // the normal pair, meanwhile
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            int published = 0;
            while (frames.get() < MIN_FRAMES && System.nanoTime() - start < MAX_NANOS) {
                sent.add(producer.publish(topic, "normal-" + published++));
                if (published % 50 == 0) {
                    CompletableFuture.allOf(sent.toArray(new CompletableFuture[0])).get(10, TimeUnit.SECONDS);
                    sent.clear();
                }
            }
            stop.set(true);
            for (Future<?> f : workers) {
                f.get(30, TimeUnit.SECONDS);
            }
            CompletableFuture.allOf(sent.toArray(new CompletableFuture[0])).get(10, TimeUnit.SECONDS);
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            int total = published;
            await().atMost(Duration.ofSeconds(30)).until(() -> received.size() == total);
            System.gc();
            long grew = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() - heapBefore;
            System.out.printf("fuzz: %d frames over %d connections in %d s; normal pair %d/%d; heap growth %d KiB%n",
                    frames.get(), connections.get(), seconds, received.size(), total, grew / 1024);
            assertThat(frames.get()).isGreaterThanOrEqualTo(MIN_FRAMES);
            assertThat(grew).isLessThan(256L * 1024 * 1024);
            // still serving
            assertThat(producer.publish(topic, "after").get(5, TimeUnit.SECONDS)).isNull();
        } finally {
            stop.set(true);
            pool.shutdownNow();
            TestDaemons.stop(d);
            root.detachAppender(catcher);
            conn.setLevel(oldLevel);
        }
        assertThat(catcher.bad).isEmpty();
    }

    private static void fuzz(int port, SplittableRandom r, AtomicLong frames, AtomicLong connections,
                             AtomicBoolean stop, long start) {
        while (!stop.get() && System.nanoTime() - start < MAX_NANOS) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                connections.incrementAndGet();
                s.setSoTimeout(200);
                s.setSoLinger(true, 0); // reset on close: no TIME_WAIT pile-up
                OutputStream out = s.getOutputStream();
                Buffer b = Buffer.buffer();
                b.appendBytes(r.nextInt(20) == 0 ? garbage(r, 4) : "  V2".getBytes(StandardCharsets.US_ASCII));
                for (int i = 0; i < FRAMES_PER_CONNECTION; i++) {
                    b.appendBuffer(mutate(r, frame(r)));
                }
                out.write(b.getBytes());
                out.flush();
                frames.addAndGet(FRAMES_PER_CONNECTION);
                drain(s.getInputStream());
            } catch (IOException e) {
                // the daemon closed on us: expected for most inputs
            }
        }
    }

    private static void drain(InputStream in) {
        byte[] buf = new byte[8192];
        try {
            for (int i = 0; i < 4 && in.read(buf) >= 0; i++) {
                // read a little of what came back, then go
            }
        } catch (IOException e) {
            // timeout or reset
        }
    }

    /** A valid command of a random kind. */
    static Buffer frame(SplittableRandom r) {
        String topic = "fz" + r.nextInt(8);
        byte[] body = garbage(r, 1 + r.nextInt(64));
        Buffer b = Buffer.buffer();
        switch (r.nextInt(13)) {
            case 0 -> Commands.identify(b, ("{\"feature_negotiation\":" + r.nextBoolean() + ",\"heartbeat_interval\":"
                    + (r.nextInt(3) - 1) * 1000 + ",\"msg_timeout\":" + r.nextInt(2000) + ",\"snappy\":" + (r.nextInt(4) == 0)
                    + ",\"deflate\":" + (r.nextInt(4) == 0) + ",\"sample_rate\":" + r.nextInt(120) + "}").getBytes(StandardCharsets.UTF_8));
            case 1 -> Commands.pub(b, topic, body);
            case 2 -> Commands.mpub(b, topic, List.of(body, garbage(r, 1 + r.nextInt(16))));
            case 3 -> Commands.dpub(b, topic, r.nextInt(5000), body);
            case 4 -> b.appendString("SUB " + topic + " c" + r.nextInt(4) + "\n");
            case 5 -> b.appendString("RDY " + r.nextInt(3000) + "\n");
            case 6 -> b.appendString("FIN " + hex(r) + "\n");
            case 7 -> b.appendString("REQ " + hex(r) + " " + r.nextInt(10_000) + "\n");
            case 8 -> b.appendString("TOUCH " + hex(r) + "\n");
            case 9 -> b.appendString("NOP\n");
            case 10 -> b.appendString("CLS\n");
            case 11 -> Commands.auth(b, body);
            default -> b.appendBytes(garbage(r, 1 + r.nextInt(40)));
        }
        return b;
    }

    /** Leaves most frames alone; otherwise flips, cuts, repeats, or lies about a size. */
    static Buffer mutate(SplittableRandom r, Buffer f) {
        byte[] b = f.getBytes();
        switch (r.nextInt(8)) {
            case 0 -> b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
            case 1 -> b = java.util.Arrays.copyOf(b, r.nextInt(b.length + 1));
            case 2 -> {
                int nl = indexOf(b, (byte) '\n');
                if (nl >= 0 && nl + 5 <= b.length) {
                    int[] sizes = {0, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 5 * 1024 * 1024, 1 << 20, 3};
                    int v = sizes[r.nextInt(sizes.length)];
                    b[nl + 1] = (byte) (v >>> 24);
                    b[nl + 2] = (byte) (v >>> 16);
                    b[nl + 3] = (byte) (v >>> 8);
                    b[nl + 4] = (byte) v;
                }
            }
            case 3 -> {
                byte[] twice = new byte[b.length * 2];
                System.arraycopy(b, 0, twice, 0, b.length);
                System.arraycopy(b, 0, twice, b.length, b.length);
                b = twice;
            }
            default -> {
            }
        }
        return Buffer.buffer(b);
    }

    private static int indexOf(byte[] b, byte x) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == x) {
                return i;
            }
        }
        return -1;
    }

    private static String hex(SplittableRandom r) {
        return String.format("%016x", r.nextLong()).substring(0, r.nextInt(10) == 0 ? 15 : 16);
    }

    private static byte[] garbage(SplittableRandom r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }
}
