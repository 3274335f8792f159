package io.nodeq.examples.bench;

import io.nodeq.client.NsqAddress;
import io.nodeq.config.Flag.Kind;
import io.nodeq.config.FlagTable;
import io.nodeq.protocol.Names;

import java.time.Duration;
import java.time.Instant;

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
record BenchReaderOptions(NsqAddress address, String topic, String channel, int size, int rdy, Duration runfor,
                          Instant deadline, int concurrency, long count, int outputBufferSize, Duration outputBufferTimeout,
                          Duration warmup) {
    static final FlagTable FLAGS = new FlagTable(BenchReader.TOOL, "Consumes over raw protocol V2, as NSQ's "
            + "bench_reader does, and prints the rate.")
            .add("nsqd-tcp-address", Kind.STRING, "127.0.0.1:4150", "nsqd to consume from (host:port)")
            .add("topic", Kind.STRING, "sub_bench", "topic")
            .add("channel", Kind.STRING, "ch", "channel")
            .add("size", Kind.INT, 200, "expected bytes per message; others are counted")
            .add("rdy", Kind.INT, 2500, "RDY per connection = messages in flight")
            .add("flight", Kind.INT, 2500, "the same as --rdy (NSQ's name)")
            .add("runfor", Kind.DURATION, Duration.ofSeconds(10), "how long to consume")
            .add("deadline", Kind.STRING, "", "UTC time to start at, \"YYYY-MM-DD hh:mm:ss\" (default now)")
            .add("concurrency", Kind.INT, Runtime.getRuntime().availableProcessors(), "connections (default: number of CPUs)")
            .add("count", Kind.LONG, 0L, "stop once n messages are finished (0 = no limit)")
            .add("output-buffer-size", Kind.INT, 0, "IDENTIFY output_buffer_size (0: the server's, 16384)")
            .add("output-buffer-timeout", Kind.DURATION, null, "IDENTIFY output_buffer_timeout (default: the server's, 250ms)")
            .add("warmup", Kind.DURATION, Duration.ZERO, "also report the rate after the first d of the run");

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

    static BenchReaderOptions from(FlagTable.Values f) {
        int rdy = f.has("rdy") ? f.integer("rdy") : f.integer("flight");
        return new BenchReaderOptions(BenchCommand.daemon(f), f.string("topic"), f.string("channel"), f.integer("size"),
                rdy, f.duration("runfor"), BenchCommand.deadline(f), f.integer("concurrency"), f.longValue("count"),
                f.integer("output-buffer-size"), f.duration("output-buffer-timeout"), f.duration("warmup"));
    }
}
