package io.nodeq.examples.bench;

import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes as fast as nsqd accepts, like NSQ's bench/bench_writer: each connection sends one MPUB
 * of {@code --batch-size} messages, waits for its {@code OK}, and repeats until {@code --runfor} has
 * passed. Raw protocol V2 over blocking sockets, one thread per connection; the MPUB command is
 * built once and re-sent from the same direct buffer, so the loop allocates nothing.
 *
 * <p>Prints NSQ's result line plus the MPUB round-trip percentiles. Exit 0 ok, 1 failure, 2 bad flags.
 */
public final class BenchWriter {
    static final String TOOL = "bench_writer";
    /** How long after --runfor a worker may still wait for its last OK before the run is called failed. */
    private static final Duration GRACE = Duration.ofSeconds(5);
    private static final long MAX_LATENCY_NS = TimeUnit.SECONDS.toNanos(60);

    /** Totals of one run. */
    record Result(long messages, long batches, Duration duration, long bodyBytes, Histogram roundTrips) {
    }

    private BenchWriter() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs with command-line flags; returns the exit code (0 ok, 1 failed, 2 bad flags). */
    static int run(String[] args, PrintStream out, PrintStream err) {
        return BenchCommand.run(BenchWriterOptions.FLAGS, args, BenchWriterOptions::from, BenchWriter::bench, out, err);
    }

    static Result bench(BenchWriterOptions o, PrintStream out) throws Exception {
        ByteBuffer mpub = mpubCommand(o.topic(), o.size(), o.batchSize());
        AtomicLong claimed = new AtomicLong();
        AtomicLong acknowledged = new AtomicLong();
        List<Publisher> publishers = new ArrayList<>();
        for (int i = 0; i < o.concurrency(); i++) {
            publishers.add(new Publisher(o, mpub.duplicate(), claimed, acknowledged));
        }
        out.printf(Locale.ROOT, "[%s] %d connections to %s, topic %s, %d-byte messages, MPUB batches of %d%n",
                TOOL, o.concurrency(), o.address(), o.topic(), o.size(), o.batchSize());
        BenchRun run = new BenchRun(publishers);
        WarmupMark[] warm = new WarmupMark[1];
        Duration duration = run.execute(o.deadline(), o.runfor().plus(GRACE), true, TOOL, out,
                start -> warm[0] = WarmupMark.start(o.warmup(), start, acknowledged::get));
        long end = System.nanoTime();
        Histogram all = new Histogram(MAX_LATENCY_NS, 3);
        long batches = 0;
        for (Publisher p : publishers) {
            all.add(p.roundTrips);
            batches += p.batches;
        }
        long messages = batches * o.batchSize();
        Result r = new Result(messages, batches, duration, messages * o.size(), all);
        out.println("[" + TOOL + "] " + BenchReport.throughputLine(duration, messages, r.bodyBytes()));
        String warmLine = warm[0] == null ? null : warm[0].line(end, messages, o.size());
        if (warmLine != null) {
            out.println("[" + TOOL + "] " + warmLine);
        }
        out.println("[" + TOOL + "] " + BenchReport.latencyLine("MPUB round trip (" + o.batchSize() + " msgs)", all));
        out.printf(Locale.ROOT, "[%s] published %d messages in %d MPUB%n", TOOL, messages, batches);
        out.println("[" + TOOL + "] " + BenchReport.cpuLine(run.cpuNanos(), duration));
        return r;
    }

    /**
     * {@code MPUB <topic>\n[int32 body size][int32 count]([int32 size][body])*count}, bodies a
     * printable pattern (NSQ's tool sends zero bytes; content does not matter without compression).
     */
    static ByteBuffer mpubCommand(String topic, int size, int batchSize) {
        byte[] line = ("MPUB " + topic + "\n").getBytes(StandardCharsets.US_ASCII);
        int body = 4 + batchSize * (4 + size);
        byte[] message = new byte[size];
        for (int i = 0; i < size; i++) {
            message[i] = (byte) ('a' + i % 26);
        }
        ByteBuffer b = ByteBuffer.allocateDirect(line.length + 4 + body);
        b.put(line).putInt(body).putInt(batchSize);
        for (int i = 0; i < batchSize; i++) {
            b.putInt(size).put(message);
        }
        return b.flip();
    }

    /** One connection: owned by its worker thread; {@link #abort()} from the run's thread. */
    private static final class Publisher implements BenchRun.Worker {
        private final BenchWriterOptions o;
        private final ByteBuffer mpub;
        private final AtomicLong claimed;
        private final AtomicLong acknowledged;
        private final Histogram roundTrips = new Histogram(MAX_LATENCY_NS, 3);
        private volatile BenchConnection conn;
        private long batches;

        Publisher(BenchWriterOptions o, ByteBuffer mpub, AtomicLong claimed, AtomicLong acknowledged) {
            this.acknowledged = acknowledged;
            this.o = o;
            this.mpub = mpub;
            this.claimed = claimed;
        }

        @Override
        public void prepare() throws Exception {
            conn = BenchConnection.open(new java.net.InetSocketAddress(o.address().host(), o.address().port()), Duration.ofSeconds(5));
            conn.appendWithBody("IDENTIFY", ("{\"client_id\":\"writer\",\"hostname\":\"writer\",\"user_agent\":\"nodeq-"
                    + TOOL + "/0.1\"}").getBytes(StandardCharsets.UTF_8));
            conn.flush();
            conn.awaitResponse();
        }

        @Override
        public void run(BenchRun run) throws Exception {
            long end = System.nanoTime() + o.runfor().toNanos();
            try {
                while (o.count() == 0 || claimed.getAndAdd(o.batchSize()) < o.count()) {
                    long t0 = System.nanoTime();
                    mpub.rewind();
                    conn.send(mpub);
                    conn.awaitOk();
                    long t1 = System.nanoTime();
                    roundTrips.recordValue(Math.min(t1 - t0, MAX_LATENCY_NS));
                    batches++;
                    acknowledged.addAndGet(o.batchSize());
                    if (t1 - end >= 0) {
                        break;
                    }
                }
            } finally {
                conn.close();
            }
        }

        /** Only called when the run failed or hung: a publisher ends on its own at --runfor. */
        @Override
        public void abort() {
            kill();
        }

        @Override
        public void kill() {
            BenchConnection c = conn;
            if (c != null) {
                c.close();
            }
        }
    }
}
