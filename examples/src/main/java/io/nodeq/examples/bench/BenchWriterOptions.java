package io.nodeq.examples.bench;

import io.nodeq.protocol.Names;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * BenchWriter's flags; names and defaults are those of NSQ's bench_writer, plus {@code --concurrency}
 * (NSQ always uses GOMAXPROCS, i.e. one connection per CPU: that is our default too) and {@code --count}.
 *
 * @param count  stop after this many messages (rounded up to whole batches); 0 = only {@code runfor}
 * @param warmup also report the rate from this long after the start (see {@link WarmupMark})
 */
record BenchWriterOptions(NsqdAddress address, String topic, int size, int batchSize, Duration runfor,
                          Instant deadline, int concurrency, long count, Duration warmup) {
    static final Set<String> FLAGS = Set.of("nsqd-tcp-address", "topic", "size", "batch-size", "runfor", "deadline", "concurrency", "count",
            "warmup");
    static final String USAGE = """
            usage: BenchWriter [flags]
              --nsqd-tcp-address host:port  nsqd to publish to (default 127.0.0.1:4150)
              --topic name                  topic to publish to (default sub_bench)
              --size n                      bytes per message (default 200)
              --batch-size n                messages per MPUB (default 200)
              --runfor duration             how long to publish, Go syntax (default 10s)
              --deadline "YYYY-MM-DD hh:mm:ss"  UTC time to start at, to line up several runs (default now)
              --concurrency n               connections, one MPUB in flight on each (default: number of CPUs)
              --count n                     stop after n messages, rounded up to whole batches (default 0 = no limit)
              --warmup d                    also report the rate after the first d of the run (default 0s)""";
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

    /** Null when {@code --help} was asked for. */
    static BenchWriterOptions fromArgs(String[] args) throws UsageException {
        BenchFlags f = BenchFlags.parse(args, FLAGS);
        if (f.help()) {
            return null;
        }
        NsqdAddress address = NsqdAddress.parse("nsqd-tcp-address", f.string("nsqd-tcp-address", "127.0.0.1:4150"));
        try {
            return new BenchWriterOptions(address, f.string("topic", "sub_bench"), f.integer("size", 200),
                    f.integer("batch-size", 200), f.duration("runfor", Duration.ofSeconds(10)), f.deadline("deadline"),
                    f.integer("concurrency", Runtime.getRuntime().availableProcessors()), f.longValue("count", 0),
                    f.duration("warmup", Duration.ZERO));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
