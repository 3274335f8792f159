package io.nodeq.examples.bench;

import io.nodeq.protocol.Names;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * BenchReader's flags; names and defaults are those of NSQ's bench_reader (one connection per CPU,
 * RDY 2500, 10 s), plus {@code --concurrency}, {@code --count} and the IDENTIFY output buffer knobs.
 *
 * @param size                expected body size: bodies of another size are counted and reported
 * @param outputBufferSize    sent in IDENTIFY if not 0 (0 = server default 16384; -1 = unbuffered)
 * @param outputBufferTimeout sent in IDENTIFY in ms if not null (server default 250ms)
 * @param count               stop once this many messages are finished; 0 = only {@code runfor}
 * @param warmup              also report the rate from this long after the start (see {@link WarmupMark})
 */
record BenchReaderOptions(NsqdAddress address, String topic, String channel, int size, int rdy, Duration runfor,
                          Instant deadline, int concurrency, long count, int outputBufferSize, Duration outputBufferTimeout,
                          Duration warmup) {
    static final Set<String> FLAGS = Set.of("nsqd-tcp-address", "topic", "channel", "size", "rdy", "flight", "runfor",
            "deadline", "concurrency", "count", "output-buffer-size", "output-buffer-timeout", "warmup");
    static final String USAGE = """
            usage: BenchReader [flags]
              --nsqd-tcp-address host:port  nsqd to consume from (default 127.0.0.1:4150)
              --topic name                  topic (default sub_bench)
              --channel name                channel (default ch)
              --size n                      expected bytes per message; others are counted (default 200)
              --rdy n, --flight n           RDY per connection = messages in flight (default 2500)
              --runfor duration             how long to consume, Go syntax (default 10s)
              --deadline "YYYY-MM-DD hh:mm:ss"  UTC time to start at (default now)
              --concurrency n               connections (default: number of CPUs)
              --count n                     stop once n messages are finished (default 0 = no limit)
              --output-buffer-size n        IDENTIFY output_buffer_size (default: server's, 16384)
              --output-buffer-timeout d     IDENTIFY output_buffer_timeout (default: server's, 250ms)
              --warmup d                    also report the rate after the first d of the run (default 0s)""";

    BenchReaderOptions {
        if (!Names.isValidTopicName(topic)) {
            throw new IllegalArgumentException("invalid --topic \"" + topic + "\"");
        }
        if (!Names.isValidChannelName(channel)) {
            throw new IllegalArgumentException("invalid --channel \"" + channel + "\"");
        }
        if (size < 1) {
            throw new IllegalArgumentException("--size must be at least 1");
        }
        if (rdy < 1) {
            throw new IllegalArgumentException("--rdy must be at least 1");
        }
        BenchCommand.checkRun(runfor, concurrency, count);
        if (outputBufferSize < -1) {
            throw new IllegalArgumentException("--output-buffer-size must be -1, 0 (server default) or a size");
        }
    }

    /** Null when {@code --help} was asked for. */
    static BenchReaderOptions fromArgs(String[] args) throws UsageException {
        BenchFlags f = BenchFlags.parse(args, FLAGS);
        if (f.help()) {
            return null;
        }
        NsqdAddress address = NsqdAddress.parse("nsqd-tcp-address", f.string("nsqd-tcp-address", "127.0.0.1:4150"));
        int rdy = f.integer("rdy", f.integer("flight", 2500));
        try {
            return new BenchReaderOptions(address, f.string("topic", "sub_bench"), f.string("channel", "ch"),
                    f.integer("size", 200), rdy, f.duration("runfor", Duration.ofSeconds(10)), f.deadline("deadline"),
                    f.integer("concurrency", Runtime.getRuntime().availableProcessors()), f.longValue("count", 0),
                    f.integer("output-buffer-size", 0), f.duration("output-buffer-timeout", null),
                    f.duration("warmup", Duration.ZERO));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
