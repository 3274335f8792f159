package io.nodeq.daemon;

import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * {@code --jit-warmup}: before the daemon opens its listeners, messages go through a scratch daemon
 * in the same JVM (loopback TCP, a temporary data path, the operator's storage settings, no lookups,
 * no TLS, logging off), so that the JIT has compiled the read, publish, delivery, FIN and log-write
 * paths before the first real client arrives. A fresh JVM otherwise runs them interpreted and then
 * in C1 code, and compiles them to C2 during its first ~15 s of traffic (at 1,000 msgs/s): that
 * time shows as a tail of milliseconds that nsqd, compiled ahead of time, does not have.
 *
 * <p>Two phases share the budget: pipelined PUBs and MPUBs from two connections with a consumer
 * FIN'ing every message (the throughput paths), then single PUBs each waiting for its OK, about
 * 2,000 a second (the wake-up and timer paths of a lightly loaded daemon). Throughout, a third
 * client keeps opening connections and topics the way real clients start: IDENTIFY, a SUB to a new
 * topic, the topic's first messages (PUB, DPUB, MPUB), REQ, TOUCH, FIN, CLS. C2 leaves out the
 * branches its profile never saw taken; without this the first real connection and topic took
 * them and threw the hot methods back to the interpreter (dozens of deoptimizations, then seconds
 * of recompiling while serving). Then the scratch daemon closes, its data path is deleted and one
 * full GC moves what start-up left in the young generation to the old one, so later young
 * collections do not copy it again.
 *
 * <p>Code is shared by the whole JVM, state is not: the scratch daemon has its own broker, files
 * and listener, and nothing of it outlives {@link #run}. It runs on the real daemon's Vert.x, so
 * the event loops that will serve are the ones warmed, and no second Vert.x shutting down teaches
 * the JIT branches that only a shutdown takes. A failure is logged and start-up goes on.
 */
final class JitWarmup {
    private static final Logger LOG = LoggerFactory.getLogger(JitWarmup.class);
    private static final String TOPIC = "jit_warmup";
    private static final String CHANNEL = "warmup";
    private static final int BODY_SIZE = 200;
    private static final int PIPELINE = 32;
    private static final int RDY = 1000;
    private static final long CHURN_PAUSE_NANOS = 10_000_000;
    /**
     * The scratch daemon's --mem-queue-size at most: small enough that a consumer that falls behind,
     * and the churn's late consumers, read records back from the log files as real ones do behind
     * a large backlog (bench_reader's run read most of its messages from the log, through code the
     * warm-up had not compiled: C2 took a quarter of a core during the run).
     */
    private static final int WARMUP_HOT_TAIL = 2_048;
    /** Churn rounds between two rounds whose consumer subscribes behind a backlog. */
    private static final int LATE_EVERY = 8;
    /** Fast-phase rounds of publisher 1 between two backlog MPUBs. */
    private static final int BACKLOG_EVERY = 200;
    /** Socket reads give up after this: a stuck scratch daemon must not hold start-up. */
    private static final int READ_TIMEOUT_MS = 2_000;

    /** What a warm-up did: messages, and rounds of new connections and topics. */
    /**
     * {@code backlogs}: MPUBs whose OK waited for the disk lane (more than a topic may leave
     * unwritten); {@code lateReads}: churn rounds whose consumer read a backlog back from the log.
     */
    record Result(long published, long consumed, long rounds, long backlogs, long lateReads, Duration took) {
    }

    private JitWarmup() {
    }

    /**
     * Runs for about {@code budget} on {@code vertx} (not from one of its threads); returns what it
     * did, or null when it could not run (logged).
     */
    static Result run(Vertx vertx, DaemonOptions options, Duration budget) {
        return run(vertx, options, budget, Path.of(System.getProperty("java.io.tmpdir")));
    }

    /** As {@link #run(Vertx, DaemonOptions, Duration)}, with the scratch data path made in {@code parent}. */
    static Result run(Vertx vertx, DaemonOptions options, Duration budget, Path parent) {
        long start = System.nanoTime();
        Path dir = null;
        Daemon scratch = null;
        try {
            dir = Files.createTempDirectory(parent, "nodeq-jit-warmup-");
            DaemonOptions defaults = DaemonOptions.builder().build();
            DaemonOptions scratchOptions = options.toBuilder()
                    .tcpAddress("127.0.0.1:0").httpAddress("").httpsAddress("")
                    .broadcastAddress("127.0.0.1").lookupdTcpAddresses(List.of()).dataPath(dir)
                    .tlsCert(defaults.tlsCert()).tlsKey(defaults.tlsKey()).tlsRequired(defaults.tlsRequired())
                    .tlsClientAuthPolicy(defaults.tlsClientAuthPolicy()).tlsRootCaFile(defaults.tlsRootCaFile())
                    .authHttpAddresses(List.of()).maxConnections(0).maxAttempts(0).deadLetterSuffix("")
                    .memQueueSize(Math.min(options.memQueueSize(), WARMUP_HOT_TAIL))
                    .jitWarmup(Duration.ZERO)
                    .build();
            LogLevels.apply("error");
            LogLevels.quietMeters(true);
            scratch = Daemon.startScratch(vertx, scratchOptions).toCompletionStage().toCompletableFuture()
                    .get(Main.START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Load load = new Load(scratch.tcpPort(), start + budget.toNanos(), scratchOptions);
            load.drive();
            return new Result(load.published.get(), load.consumed.get(), load.rounds.get(), load.backlogs.get(),
                    load.lateReads.get(),
                    Duration.ofNanos(System.nanoTime() - start));
        } catch (Exception e) {
            LogLevels.apply(options.logLevel());
            LOG.warn("JIT warm-up skipped: {}", e.toString());
            return null;
        } finally {
            Exception closeFailure = null;
            if (scratch != null) {
                try {
                    scratch.close().toCompletionStage().toCompletableFuture()
                            .get(Main.CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                } catch (Exception e) {
                    closeFailure = e;
                }
            }
            LogLevels.apply(options.logLevel());
            LogLevels.quietMeters(false);
            if (closeFailure != null) {
                LOG.warn("JIT warm-up: closing the scratch daemon: {}", closeFailure.toString());
            }
            if (dir != null) {
                deleteTree(dir);
            }
            System.gc();
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warn("JIT warm-up: could not delete {}: {}", dir, e.toString());
        }
    }

    /** The clients: two publishers and one consumer on plain blocking sockets, speaking NSQ's TCP protocol. */
    private static final class Load {
        final int port;
        final long deadline;
        final long fastUntil;
        final AtomicLong published = new AtomicLong();
        final AtomicLong consumed = new AtomicLong();
        final AtomicLong rounds = new AtomicLong();
        final AtomicLong backlogs = new AtomicLong();
        final AtomicLong lateReads = new AtomicLong();
        volatile boolean stopping;
        volatile Conn consumerConn;
        final byte[] body;
        /** Messages per MPUB, as many as the daemon's --max-body-size takes (up to {@link #PIPELINE}). */
        final int mpubCount;
        /** Bodies of the backlog MPUB. */
        final byte[] smallBody;
        /** Messages in the backlog MPUB: one more than may wait unwritten (0: --max-body-size is too small). */
        final int backlogCount;
        final int rdy;
        /** Messages a late consumer finds waiting: more than the scratch hot tail holds. */
        final int lateBacklog;
        /** Messages per MPUB of that backlog (fits --max-body-size). */
        final int lateMpub;

        Load(int port, long deadline, DaemonOptions options) {
            this.port = port;
            this.deadline = deadline;
            this.fastUntil = System.nanoTime() + (deadline - System.nanoTime()) * 3 / 5;
            body = new byte[Math.min(BODY_SIZE, options.maxMsgSize())];
            mpubCount = (int) Math.max(1, Math.min(PIPELINE, (options.maxBodySize() - 4L) / (4 + body.length)));
            smallBody = java.util.Arrays.copyOf(body, Math.min(16, body.length));
            int backlog = (int) io.nodeq.daemon.broker.Shard.unwrittenLimit(options.memQueueSize()) + 1;
            backlogCount = 4L + (long) backlog * (4 + smallBody.length) <= options.maxBodySize() ? backlog : 0;
            lateBacklog = (int) Math.min(options.memQueueSize() + 512L, WARMUP_HOT_TAIL + 512L);
            lateMpub = (int) Math.max(1, Math.min(512, (options.maxBodySize() - 4L) / (4 + smallBody.length)));
            rdy = Math.min(RDY, options.maxRdyCount());
            for (int i = 0; i < body.length; i++) {
                body[i] = (byte) ('a' + i % 26);
            }
        }

        void drive() throws Exception {
            List<Thread> publishers = new ArrayList<>();
            List<Exception> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            Thread consumer = thread("consumer", this::consume, failures);
            Thread churn = thread("churn", this::churn, failures);
            for (int i = 0; i < 2; i++) {
                int n = i;
                publishers.add(thread("publisher-" + i, () -> publish(n), failures));
            }
            consumer.start();
            churn.start();
            publishers.forEach(Thread::start);
            for (Thread t : publishers) {
                t.join();
            }
            churn.join();
            // let the consumer catch up (bounded), then cut its connection
            long drainUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (consumed.get() < published.get() && consumer.isAlive() && System.nanoTime() < drainUntil) {
                LockSupport.parkNanos(1_000_000);
            }
            stopping = true;
            Conn c = consumerConn;
            if (c != null) {
                c.close();
            }
            consumer.join();
            if (!failures.isEmpty()) {
                throw failures.get(0);
            }
        }

        private Thread thread(String name, Task task, List<Exception> failures) {
            Thread t = new Thread(() -> {
                try {
                    task.run();
                } catch (Exception e) {
                    failures.add(e);
                }
            }, "jit-warmup-" + name);
            t.setDaemon(true);
            return t;
        }

        /**
         * Pipelined PUBs and an MPUB per round until the fast phase ends; then publisher 0 sends
         * single PUBs. Publisher 1 also sends, every {@link #BACKLOG_EVERY} rounds, one MPUB of more
         * small messages than a memory-first topic may leave unwritten, so that its OK waits for the
         * disk lane: the path a real publisher takes when the lane falls behind (a slow fsync), which
         * C2 would otherwise have left out and then thrown the hot methods back to the interpreter
         * for, under the very load that had slowed the lane.
         */
        private void publish(int n) throws IOException {
            try (Conn c = new Conn(port)) {
                c.identify();
                for (int round = 0; System.nanoTime() < fastUntil; round++) {
                    for (int i = 0; i < PIPELINE; i++) {
                        c.pub(TOPIC, body);
                    }
                    c.mpub(TOPIC, body, mpubCount);
                    c.out.flush();
                    for (int i = 0; i <= PIPELINE; i++) {
                        c.expectOk();
                    }
                    published.addAndGet(PIPELINE + mpubCount);
                    if (n == 1 && round % BACKLOG_EVERY == 0 && backlogCount > 0) {
                        c.mpub(TOPIC, smallBody, backlogCount);
                        c.out.flush();
                        c.expectOk();
                        published.addAndGet(backlogCount);
                        backlogs.incrementAndGet();
                    }
                }
                if (n != 0) {
                    return;
                }
                while (System.nanoTime() < deadline) {
                    c.pub(TOPIC, body);
                    c.out.flush();
                    c.expectOk();
                    published.incrementAndGet();
                    LockSupport.parkNanos(500_000);
                }
            }
        }

        /**
         * Until the deadline, rounds of what a starting client does, each on a new topic with two new
         * connections: IDENTIFY, SUB, RDY; the topic's first PUB, DPUB and MPUB; the consumer REQs its
         * first message, TOUCHes the next and FINs the rest (the requeued one too), then CLS.
         */
        private void churn() throws IOException {
            for (int round = 0; System.nanoTime() < deadline && !stopping; round++) {
                String topic = TOPIC + "_" + round;
                if (round % LATE_EVERY == 1) {
                    lateConsumer(topic);
                    continue;
                }
                try (Conn sub = new Conn(port); Conn pub = new Conn(port)) {
                    sub.subscribe(topic, Math.min(rdy, 1 + round % 3 * 50));
                    pub.identify();
                    pub.pub(topic, body);
                    pub.line("DPUB " + topic + " 0");
                    pub.out.writeInt(body.length);
                    pub.out.write(body);
                    pub.mpub(topic, body, Math.min(3, mpubCount));
                    pub.out.flush();
                    for (int i = 0; i < 3; i++) {
                        pub.expectOk();
                    }
                    int expected = 2 + Math.min(3, mpubCount);
                    published.addAndGet(expected);
                    boolean requeued = false;
                    for (int got = 0; got < expected; ) {
                        String id = sub.nextMessageId();
                        if (!requeued) {
                            sub.line("REQ " + id + " 0");
                            requeued = true;
                        } else {
                            if (got == 0) {
                                sub.line("TOUCH " + id);
                            }
                            sub.line("FIN " + id);
                            got++;
                        }
                        sub.out.flush();
                    }
                    consumed.addAndGet(expected);
                    rounds.incrementAndGet();
                    sub.line("CLS");
                    sub.out.flush();
                    while (!"CLOSE_WAIT".equals(sub.expectResponse())) {
                        // a heartbeat (answered with NOP by nobody: the connection closes next)
                    }
                }
                LockSupport.parkNanos(CHURN_PAUSE_NANOS); // most of the budget stays with the message paths
            }
        }

        /**
         * A consumer that subscribes to a topic holding more messages than the hot tail: the oldest
         * are read back from the log. It lets a full RDY's worth pile up in its socket before it
         * reads (the connection turns unwritable meanwhile), then FINs in bursts.
         */
        private void lateConsumer(String topic) throws IOException {
            try (Conn sub = new Conn(port); Conn pub = new Conn(port)) {
                pub.identify();
                for (int sent = 0; sent < lateBacklog; ) {
                    int n = Math.min(lateMpub, lateBacklog - sent);
                    pub.mpub(topic, smallBody, n);
                    pub.out.flush();
                    pub.expectOk();
                    sent += n;
                }
                published.addAndGet(lateBacklog);
                sub.subscribe(topic, rdy);
                LockSupport.parkNanos(CHURN_PAUSE_NANOS);
                for (int got = 0; got < lateBacklog; got++) {
                    if (sub.in.available() == 0) {
                        sub.out.flush(); // the FINs so far: RDY may be smaller than the backlog
                    }
                    sub.line("FIN " + sub.nextMessageId());
                }
                consumed.addAndGet(lateBacklog);
                sub.line("CLS");
                sub.out.flush();
                while (!"CLOSE_WAIT".equals(sub.expectResponse())) {
                    // a heartbeat (answered with NOP by nobody: the connection closes next)
                }
                lateReads.incrementAndGet();
                rounds.incrementAndGet();
            }
        }

        /** SUB, RDY, FIN every message (flushed when nothing more is buffered), until {@link #drive} cuts the connection. */
        private void consume() throws IOException {
            try (Conn c = new Conn(port)) {
                consumerConn = c;
                c.subscribe(TOPIC, rdy);
                while (true) {
                    int size = c.in.readInt();
                    int type = c.in.readInt();
                    byte[] data = c.in.readNBytes(size - 4);
                    if (type == 2) {
                        c.out.write(("FIN " + new String(data, 10, 16, StandardCharsets.US_ASCII) + "\n")
                                .getBytes(StandardCharsets.US_ASCII));
                        consumed.incrementAndGet();
                    } else if (type == 0 && "_heartbeat_".equals(new String(data, StandardCharsets.US_ASCII))) {
                        c.line("NOP");
                    } else if (type == 1) {
                        throw new IOException("consumer got " + new String(data, StandardCharsets.UTF_8));
                    }
                    if (c.in.available() == 0) {
                        c.out.flush();
                    }
                }
            } catch (IOException e) {
                if (!stopping) {
                    throw e;
                }
            }
        }
    }

    @FunctionalInterface
    private interface Task {
        void run() throws Exception;
    }

    /** One connection, V2 magic sent. */
    private static final class Conn implements AutoCloseable {
        final Socket socket;
        final DataInputStream in;
        final DataOutputStream out;

        Conn(int port) throws IOException {
            socket = new Socket();
            // the warm-up opens hundreds of connections, and each leaves a TIME_WAIT on its ephemeral
            // port: without SO_REUSEADDR one of those would stop the daemon's own listener from
            // binding that port for a minute (an operator's port in the ephemeral range, 34150 say)
            socket.setReuseAddress(true);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(READ_TIMEOUT_MS);
            socket.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MS);
            in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 65536));
            out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 65536));
            out.write("  V2".getBytes(StandardCharsets.US_ASCII));
        }

        void identify() throws IOException {
            byte[] json = "{\"client_id\":\"jit-warmup\",\"feature_negotiation\":true,\"user_agent\":\"nodeq-jit-warmup\"}"
                    .getBytes(StandardCharsets.UTF_8);
            line("IDENTIFY");
            out.writeInt(json.length);
            out.write(json);
            out.flush();
            expectResponse();
        }

        void line(String command) throws IOException {
            out.write((command + "\n").getBytes(StandardCharsets.US_ASCII));
        }

        /** IDENTIFY, SUB to the warm-up channel of {@code topic}, RDY {@code rdy}. */
        void subscribe(String topic, int rdy) throws IOException {
            identify();
            line("SUB " + topic + " " + CHANNEL);
            out.flush();
            expectOk();
            line("RDY " + rdy);
            out.flush();
        }

        void pub(String topic, byte[] body) throws IOException {
            line("PUB " + topic);
            out.writeInt(body.length);
            out.write(body);
        }

        void mpub(String topic, byte[] body, int count) throws IOException {
            line("MPUB " + topic);
            out.writeInt(4 + count * (4 + body.length));
            out.writeInt(count);
            for (int i = 0; i < count; i++) {
                out.writeInt(body.length);
                out.write(body);
            }
        }

        void expectOk() throws IOException {
            String r = expectResponse();
            if (!"OK".equals(r)) {
                throw new IOException("expected OK, got " + r);
            }
        }

        /** Reads up to the next message (answering heartbeats) and returns its ID. */
        String nextMessageId() throws IOException {
            while (true) {
                int size = in.readInt();
                int type = in.readInt();
                byte[] data = in.readNBytes(size - 4);
                if (type == 2) {
                    return new String(data, 10, 16, StandardCharsets.US_ASCII);
                }
                if (type == 1) {
                    throw new IOException("expected a message, got " + new String(data, StandardCharsets.UTF_8));
                }
                line("NOP");
            }
        }

        /** The next response frame's text; an error frame throws. */
        String expectResponse() throws IOException {
            int size = in.readInt();
            int type = in.readInt();
            String text = new String(in.readNBytes(size - 4), StandardCharsets.UTF_8);
            if (type != 0) {
                throw new IOException("expected a response, got frame type " + type + ": " + text);
            }
            return text;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
