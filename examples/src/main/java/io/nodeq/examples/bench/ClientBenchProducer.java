package io.nodeq.examples.bench;

import io.nodeq.client.NsqAddress;
import io.nodeq.client.Producer;
import io.nodeq.client.ProducerOptions;
import io.nodeq.config.Flag.Kind;
import io.nodeq.config.FlagTable;
import io.nodeq.protocol.Names;
import io.vertx.core.Vertx;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes with nodeq-client's {@link Producer} and batching, for comparison with the raw
 * {@link BenchWriter}: each of {@code --concurrency} threads calls {@code publish(topic, body)} in a
 * loop on its own producer until {@code --runfor} has passed; the batcher turns that into MPUBs of up
 * to {@code --batch-size}. The run ends when every producer has flushed and closed, so the rate
 * counts only messages the daemon acknowledged. Prints the same result line as BenchWriter.
 */
public final class ClientBenchProducer {
    static final String TOOL = "client_bench_producer";
    static final FlagTable FLAGS = new FlagTable(TOOL, "Producers of nodeq-client (automatic batching) against "
            + "one daemon; prints BenchWriter's result line.")
            .add("nsqd-tcp-address", Kind.STRING, "127.0.0.1:4150", "daemon to publish to")
            .add("topic", Kind.STRING, "sub_bench", "topic")
            .add("size", Kind.INT, 200, "bytes per message")
            .add("batch-size", Kind.INT, 200, "messages per MPUB")
            .add("linger", Kind.DURATION, Duration.ZERO, "batch linger (0: send what gathered meanwhile)")
            .add("runfor", Kind.DURATION, Duration.ofSeconds(10), "how long to publish")
            .add("concurrency", Kind.INT, 1, "producers (connections), one publishing thread each")
            .add("count", Kind.LONG, 0L, "stop after n messages (0 = no limit)")
            .add("max-pending-mb", Kind.INT, 4, "each producer's pending buffer (a small live set keeps GC cheap)")
            .add("max-in-flight-commands", Kind.INT, 0, "unanswered MPUBs per producer (0: the producer's default)")
            .add("warmup", Kind.DURATION, Duration.ZERO, "also report the rate after the first d of the run");

    record Options(NsqAddress address, String topic, int size, int batchSize, Duration linger, Duration runfor,
                   int concurrency, long count, int maxPendingMb, int maxInFlightCommands, Duration warmup) {
        Options {
            if (!Names.isValidTopicName(topic)) {
                throw new IllegalArgumentException("invalid --topic \"" + topic + "\"");
            }
            if (size < 1 || batchSize < 1 || maxPendingMb < 2) {
                throw new IllegalArgumentException("--size, --batch-size must be >= 1, --max-pending-mb >= 2");
            }
            BenchCommand.checkRun(runfor, concurrency, count);
        }

        static Options from(FlagTable.Values f) {
            return new Options(NsqAddress.parse(f.string("nsqd-tcp-address"), 4150), f.string("topic"), f.integer("size"),
                    f.integer("batch-size"), f.duration("linger"), f.duration("runfor"), f.integer("concurrency"),
                    f.longValue("count"), f.integer("max-pending-mb"), f.integer("max-in-flight-commands"),
                    f.duration("warmup"));
        }
    }

    private ClientBenchProducer() {
    }

    public static void main(String[] args) {
        System.exit(BenchCommand.run(FLAGS, args, Options::from, ClientBenchProducer::bench, System.out, System.err));
    }

    static void bench(Options o, PrintStream out) throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            byte[] body = new byte[o.size()];
            for (int i = 0; i < body.length; i++) {
                body[i] = (byte) ('a' + i % 26);
            }
            List<Producer> producers = new ArrayList<>();
            for (int i = 0; i < o.concurrency(); i++) {
                ProducerOptions.Builder b = ProducerOptions.builder(o.address());
                if (o.maxInFlightCommands() > 0) {
                    b.maxInFlightCommands(o.maxInFlightCommands());
                }
                producers.add(Producer.create(b.batching(true)
                        .batchMaxMessages(o.batchSize())
                        .batchMaxBytes(Math.min(ProducerOptions.MAX_BATCH_BYTES, o.batchSize() * (o.size() + 4)))
                        .linger(o.linger()).maxPendingBytes(o.maxPendingMb() * 1024L * 1024)
                        .overflowPolicy(ProducerOptions.OverflowPolicy.BLOCK).maxBlock(Duration.ofSeconds(60))
                        .vertx(vertx).build()));
            }
            long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!producers.stream().allMatch(Producer::isConnected)) {
                if (System.nanoTime() > waitUntil) {
                    throw new IllegalStateException("cannot connect to " + o.address());
                }
                Thread.sleep(10);
            }
            out.printf(Locale.ROOT, "[%s] %d producers to %s, topic %s, %d-byte messages, batches of %d, linger %s%n",
                    TOOL, o.concurrency(), o.address(), o.topic(), o.size(), o.batchSize(), o.linger());
            AtomicLong claimed = new AtomicLong();
            long start = System.nanoTime();
            long end = start + o.runfor().toNanos();
            WarmupMark warm = WarmupMark.start(o.warmup(), start,
                    () -> producers.stream().mapToLong(p -> p.stats().published()).sum());
            List<Thread> threads = new ArrayList<>();
            for (Producer p : producers) {
                Thread t = new Thread(() -> {
                    // the clock is read every 256 publishes, as BenchWriter reads it once per MPUB
                    for (long i = 0; (i & 255) != 0 || System.nanoTime() < end; i++) {
                        if (o.count() != 0 && claimed.getAndIncrement() >= o.count()) {
                            break;
                        }
                        p.publish(o.topic(), body);
                    }
                    p.close();
                }, TOOL + "-" + threads.size());
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) {
                t.join();
            }
            long stop = System.nanoTime();
            Duration duration = Duration.ofNanos(stop - start);
            long published = producers.stream().mapToLong(p -> p.stats().published()).sum();
            long failed = producers.stream().mapToLong(p -> p.stats().failed()).sum();
            out.println("[" + TOOL + "] " + BenchReport.throughputLine(duration, published, published * o.size()));
            String warmLine = warm.line(stop, published, o.size());
            if (warmLine != null) {
                out.println("[" + TOOL + "] " + warmLine);
            }
            out.printf(Locale.ROOT, "[%s] published %d messages, %d failed%n", TOOL, published, failed);
            if (failed > 0) {
                throw new IllegalStateException(failed + " publishes failed");
            }
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }
}
