package io.nodeq.examples.bench;

import io.nodeq.client.NsqAddress;
import io.nodeq.config.Flag.Kind;
import io.nodeq.config.FlagTable;
import io.nodeq.protocol.Names;
import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What a durable topic's group commit costs a publisher that waits for every message: each of
 * {@code --concurrency} connections (default 16) sends one single-message PUB, waits for its
 * {@code OK}, and repeats (closed loop) until {@code --runfor} has passed. With fsync before OK the
 * 16 PUBs waiting at any moment should share one fsync, so the rate stays far above 1/fsync-time.
 * Prints the rate and the PUB→OK percentiles; {@code examples/group-commit-bench.sh} runs it against
 * a memory-first and a durable topic. Exit 0 ok, 1 failure, 2 bad flags.
 */
public final class GroupCommitBench {
    static final String TOOL = "group_commit_bench";
    static final FlagTable FLAGS = new FlagTable(TOOL, "Single-message PUBs, one in flight per connection, "
            + "and the PUB->OK percentiles: what group commit costs a publisher that waits for every message.")
            .add("nsqd-tcp-address", Kind.STRING, "127.0.0.1:4150", "daemon to publish to (host:port)")
            .add("topic", Kind.STRING, "group_commit", "topic; create it first for a durable one")
            .add("size", Kind.INT, 200, "bytes per message")
            .add("runfor", Kind.DURATION, Duration.ofSeconds(10), "how long to publish")
            .add("concurrency", Kind.INT, 16, "connections, one PUB in flight on each");
    private static final Duration GRACE = Duration.ofSeconds(5);
    private static final long MAX_LATENCY_NS = TimeUnit.SECONDS.toNanos(60);

    record Options(NsqAddress address, String topic, int size, Duration runfor, int concurrency) {
        Options {
            if (!Names.isValidTopicName(topic)) {
                throw new IllegalArgumentException("invalid --topic \"" + topic + "\"");
            }
            if (size < 1) {
                throw new IllegalArgumentException("--size must be at least 1");
            }
            BenchCommand.checkRun(runfor, concurrency, 0);
        }

        static Options from(FlagTable.Values f) {
            return new Options(BenchCommand.daemon(f), f.string("topic"), f.integer("size"), f.duration("runfor"),
                    f.integer("concurrency"));
        }
    }

    /** Totals of one run. */
    record Result(long messages, Duration duration, Histogram pubToOk) {
    }

    private GroupCommitBench() {
    }

    public static void main(String[] args) {
        System.exit(BenchCommand.run(FLAGS, args, Options::from, GroupCommitBench::bench, System.out, System.err));
    }

    static Result bench(Options o, PrintStream out) throws Exception {
        ByteBuffer pub = pubCommand(o.topic(), o.size());
        List<Publisher> publishers = new ArrayList<>();
        for (int i = 0; i < o.concurrency(); i++) {
            publishers.add(new Publisher(o, pub.duplicate()));
        }
        out.printf(Locale.ROOT, "[%s] %d connections to %s, topic %s, %d-byte messages, one PUB in flight per connection%n",
                TOOL, o.concurrency(), o.address(), o.topic(), o.size());
        BenchRun run = new BenchRun(publishers);
        Duration duration = run.execute(null, o.runfor().plus(GRACE), true, TOOL, out);
        Histogram all = new Histogram(MAX_LATENCY_NS, 3);
        long messages = 0;
        for (Publisher p : publishers) {
            all.add(p.pubToOk);
            messages += p.messages;
        }
        out.println("[" + TOOL + "] " + BenchReport.throughputLine(duration, messages, messages * o.size()));
        out.println("[" + TOOL + "] " + BenchReport.latencyLine("PUB->OK", all));
        out.println("[" + TOOL + "] " + BenchReport.cpuLine(run.cpuNanos(), duration));
        return new Result(messages, duration, all);
    }

    /** {@code PUB <topic>\n[int32 size][body]}, the body a printable pattern. */
    static ByteBuffer pubCommand(String topic, int size) {
        byte[] line = ("PUB " + topic + "\n").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocateDirect(line.length + 4 + size);
        b.put(line).putInt(size);
        for (int i = 0; i < size; i++) {
            b.put((byte) ('a' + i % 26));
        }
        return b.flip();
    }

    /** One connection: owned by its worker thread; {@link #abort()} from the run's thread. */
    private static final class Publisher implements BenchRun.Worker {
        private final Options o;
        private final ByteBuffer pub;
        private final Histogram pubToOk = new Histogram(MAX_LATENCY_NS, 3);
        private volatile BenchConnection conn;
        private long messages;

        Publisher(Options o, ByteBuffer pub) {
            this.o = o;
            this.pub = pub;
        }

        /** Connects and sends the magic; a publisher needs no IDENTIFY. */
        @Override
        public void prepare() throws Exception {
            conn = BenchConnection.open(new java.net.InetSocketAddress(o.address().host(), o.address().port()), Duration.ofSeconds(5));
            conn.flush();
        }

        @Override
        public void run(BenchRun run) throws Exception {
            long end = System.nanoTime() + o.runfor().toNanos();
            try {
                while (true) {
                    long t0 = System.nanoTime();
                    pub.rewind();
                    conn.send(pub);
                    conn.awaitOk();
                    long t1 = System.nanoTime();
                    pubToOk.recordValue(Math.min(t1 - t0, MAX_LATENCY_NS));
                    messages++;
                    if (t1 - end >= 0) {
                        break;
                    }
                }
            } finally {
                conn.close();
            }
        }

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
