package io.nodeq.examples.bench;

import io.nodeq.client.NsqAddress;
import io.nodeq.config.Flag.Kind;
import io.nodeq.config.FlagTable;
import io.nodeq.protocol.Names;

import java.time.Duration;
import java.time.Instant;

/**
 * BenchWriter's flags; names and defaults are those of NSQ's bench_writer, plus {@code --concurrency}
 * (NSQ always uses GOMAXPROCS, i.e. one connection per CPU: that is our default too) and {@code --count}.
 *
 * @param count  stop after this many messages (rounded up to whole batches); 0 = only {@code runfor}
 * @param warmup also report the rate from this long after the start (see {@link WarmupMark})
 */
record BenchWriterOptions(NsqAddress address, String topic, int size, int batchSize, Duration runfor,
                          Instant deadline, int concurrency, long count, Duration warmup) {
    static final FlagTable FLAGS = new FlagTable(BenchWriter.TOOL, "Publishes MPUB batches over raw protocol V2, "
            + "as NSQ's bench_writer does, and prints the rate.")
            .add("nsqd-tcp-address", Kind.STRING, "127.0.0.1:4150", "nsqd to publish to (host:port)")
            .add("topic", Kind.STRING, "sub_bench", "topic to publish to")
            .add("size", Kind.INT, 200, "bytes per message")
            .add("batch-size", Kind.INT, 200, "messages per MPUB")
            .add("runfor", Kind.DURATION, Duration.ofSeconds(10), "how long to publish")
            .add("deadline", Kind.STRING, "", "UTC time to start at, \"YYYY-MM-DD hh:mm:ss\", to line up several runs "
                    + "(default now)")
            .add("concurrency", Kind.INT, Runtime.getRuntime().availableProcessors(),
                    "connections, one MPUB in flight on each (default: number of CPUs)")
            .add("count", Kind.LONG, 0L, "stop after n messages, rounded up to whole batches (0 = no limit)")
            .add("warmup", Kind.DURATION, Duration.ZERO, "also report the rate after the first d of the run");
    /** Largest MPUB we build; far beyond nsqd's default --max-body-size (5 MiB) but bounded. */
    private static final long MAX_MPUB_BYTES = 256L * 1024 * 1024;

    BenchWriterOptions {
        if (!Names.isValidTopicName(topic)) {
            throw new IllegalArgumentException("invalid --topic \"" + topic + "\"");
        }
        if (size < 1 || batchSize < 1) {
            throw new IllegalArgumentException("--size and --batch-size must be at least 1");
        }
        if ((long) batchSize * (4 + size) + 4 > MAX_MPUB_BYTES) {
            throw new IllegalArgumentException("--batch-size x --size is over " + MAX_MPUB_BYTES + " bytes per MPUB");
        }
        BenchCommand.checkRun(runfor, concurrency, count);
    }

    static BenchWriterOptions from(FlagTable.Values f) {
        return new BenchWriterOptions(BenchCommand.daemon(f), f.string("topic"), f.integer("size"), f.integer("batch-size"),
                f.duration("runfor"), BenchCommand.deadline(f), f.integer("concurrency"), f.longValue("count"),
                f.duration("warmup"));
    }
}
