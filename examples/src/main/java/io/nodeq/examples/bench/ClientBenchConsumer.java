package io.nodeq.examples.bench;

import io.nodeq.client.Consumer;
import io.nodeq.client.ConsumerOptions;
import io.nodeq.client.NsqAddress;
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
import java.util.concurrent.atomic.LongAdder;

/**
 * Consumes with nodeq-client's {@link Consumer}, for comparison with the raw {@link BenchReader}:
 * {@code --concurrency} consumers (one connection each) with {@code --max-in-flight} and an empty
 * handler on {@code --handler-threads} workers, auto-FIN. Counts handled messages until
 * {@code --runfor} has passed or {@code --count} were handled. Prints BenchReader's result line.
 */
public final class ClientBenchConsumer {
    static final String TOOL = "client_bench_consumer";
    static final FlagTable FLAGS = new FlagTable(TOOL, "Consumers of nodeq-client (auto-FIN, an empty handler) "
            + "against one daemon; prints BenchReader's result line.")
            .add("nsqd-tcp-address", Kind.STRING, "127.0.0.1:4150", "daemon to consume from")
            .add("topic", Kind.STRING, "sub_bench", "topic")
            .add("channel", Kind.STRING, "ch", "channel")
            .add("size", Kind.INT, 200, "bytes per message, for the mb/s figure")
            .add("max-in-flight", Kind.INT, 2500, "maxInFlight of each consumer")
            .add("handler-threads", Kind.INT, 1, "handler threads of each consumer")
            .add("runfor", Kind.DURATION, Duration.ofSeconds(10), "how long to consume")
            .add("concurrency", Kind.INT, 1, "consumers, one connection each")
            .add("count", Kind.LONG, 0L, "stop once n messages are handled (0 = no limit)")
            .add("warmup", Kind.DURATION, Duration.ZERO, "also report the rate after the first d of the run");

    record Options(NsqAddress address, String topic, String channel, int size, int maxInFlight, int handlerThreads,
                   Duration runfor, int concurrency, long count, Duration warmup) {
        Options {
            if (!Names.isValidTopicName(topic) || !Names.isValidChannelName(channel)) {
                throw new IllegalArgumentException("invalid --topic or --channel");
            }
            if (size < 1 || maxInFlight < 1 || handlerThreads < 1) {
                throw new IllegalArgumentException("--size, --max-in-flight and --handler-threads must be >= 1");
            }
            BenchCommand.checkRun(runfor, concurrency, count);
        }

        static Options from(FlagTable.Values f) {
            return new Options(NsqAddress.parse(f.string("nsqd-tcp-address"), 4150), f.string("topic"), f.string("channel"),
                    f.integer("size"), f.integer("max-in-flight"), f.integer("handler-threads"), f.duration("runfor"),
                    f.integer("concurrency"), f.longValue("count"), f.duration("warmup"));
        }
    }

    private ClientBenchConsumer() {
    }

    public static void main(String[] args) {
        System.exit(BenchCommand.run(FLAGS, args, Options::from, ClientBenchConsumer::bench, System.out, System.err));
    }

    static void bench(Options o, PrintStream out) throws Exception {
        Vertx vertx = Vertx.vertx();
        LongAdder handled = new LongAdder();
        List<Consumer> consumers = new ArrayList<>();
        try {
            out.printf(Locale.ROOT, "[%s] %d consumers of %s/%s on %s, maxInFlight %d, %d handler threads each%n",
                    TOOL, o.concurrency(), o.topic(), o.channel(), o.address(), o.maxInFlight(), o.handlerThreads());
            // like BenchReader, connect and subscribe first (paused: maxInFlight 0), then start the clock
            for (int i = 0; i < o.concurrency(); i++) {
                consumers.add(Consumer.create(ConsumerOptions.builder(o.topic(), o.channel(), m -> handled.increment())
                        .daemon(o.address()).maxInFlight(0).concurrency(o.handlerThreads())
                        .vertx(vertx).build()));
            }
            long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (consumers.stream().anyMatch(c -> c.stats().connections() == 0)) {
                if (System.nanoTime() > waitUntil) {
                    throw new IllegalStateException("cannot subscribe on " + o.address());
                }
                Thread.sleep(5);
            }
            long start = System.nanoTime();
            long end = start + o.runfor().toNanos();
            WarmupMark warm = WarmupMark.start(o.warmup(), start, handled::sum);
            consumers.forEach(c -> c.changeMaxInFlight(o.maxInFlight()));
            while (System.nanoTime() < end && (o.count() == 0 || handled.sum() < o.count())) {
                Thread.sleep(1);
            }
            long stop = System.nanoTime();
            Duration duration = Duration.ofNanos(stop - start);
            long n = handled.sum();
            out.println("[" + TOOL + "] " + BenchReport.throughputLine(duration, n, n * o.size()));
            String warmLine = warm.line(stop, n, o.size());
            if (warmLine != null) {
                out.println("[" + TOOL + "] " + warmLine);
            }
            out.printf(Locale.ROOT, "[%s] handled %d messages%n", TOOL, n);
        } finally {
            for (Consumer c : consumers) {
                c.stop();
            }
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }
}
