package io.nodeq.examples.bench;

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
    static final String USAGE = """
            usage: GroupCommitBench [flags]
              --nsqd-tcp-address host:port  daemon to publish to (default 127.0.0.1:4150)
              --topic name                  topic (default group_commit); create it first for a durable one
              --size n                      bytes per message (default 200)
              --runfor duration             how long to publish, Go syntax (default 10s)
              --concurrency n               connections, one PUB in flight on each (default 16)""";
    private static final Duration GRACE = Duration.ofSeconds(5);
    private static final long MAX_LATENCY_NS = TimeUnit.SECONDS.toNanos(60);

    record Options(NsqdAddress address, String topic, int size, Duration runfor, int concurrency) {
        Options {
            if (!Names.isValidTopicName(topic)) {
                throw new IllegalArgumentException("invalid --topic \"" + topic + "\"");
            }
            if (size < 1) {
                throw new IllegalArgumentException("--size must be at least 1");
            }
            BenchCommand.checkRun(runfor, concurrency, 0);
        }

        static Options parse(String[] args) throws UsageException {
            BenchFlags f = BenchFlags.parse(args, Set.of("nsqd-tcp-address", "topic", "size", "runfor", "concurrency"));
            if (f.help()) {
                return null;
            }
            NsqdAddress address = NsqdAddress.parse("nsqd-tcp-address", f.string("nsqd-tcp-address", "127.0.0.1:4150"));
            try {
                return new Options(address, f.string("topic", "group_commit"), f.integer("size", 200),
                        f.duration("runfor", Duration.ofSeconds(10)), f.integer("concurrency", 16));
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
        }
    }

    /** Totals of one run. */
    record Result(long messages, Duration duration, Histogram pubToOk) {
    }

    private GroupCommitBench() {
    }

    public static void main(String[] args) {
        System.exit(BenchCommand.run(TOOL, USAGE, args, Options::parse, GroupCommitBench::bench, System.out, System.err));
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
            conn = BenchConnection.open(o.address().socketAddress(), Duration.ofSeconds(5));
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
