package io.nodeq.examples.bench;

import io.nodeq.client.NsqAddress;
import io.nodeq.config.Flag.Kind;
import io.nodeq.config.FlagTable;
import io.nodeq.protocol.Names;

import java.time.Duration;

/**
 * LatencyBench's flags; the names and defaults are those of the Go tool the project's README
 * latency figures were taken with, so a run of either reads the same.
 *
 * @param httpAddress         when not null, the topic and channel are created over HTTP before the run
 * @param rate                total publish rate, messages/s, spread evenly over the publishers
 * @param paceQuantum         shortest publisher sleep: a command due sooner waits this long and then goes
 *                            out with the others due by then, back to back (bounds wake-ups at high rates)
 * @param outputBufferTimeout sent in the consumer's IDENTIFY when not null
 * @param outputBufferSize    sent in the consumer's IDENTIFY when not 0 (-1 = unbuffered)
 */
record LatencyOptions(NsqAddress address, NsqAddress httpAddress, String topic, String channel, double rate,
                      Duration duration, Duration warmup, Duration drainTimeout, Duration paceQuantum, int size,
                      int publishers, int rdy, Duration outputBufferTimeout, int outputBufferSize) {
    static final FlagTable FLAGS = new FlagTable(LatencyBench.TOOL, """
            End-to-end latency of a daemon speaking NSQ's protocol V2: P publisher connections send single \
            PUBs at a fixed total rate, open loop (each send is scheduled, not made after the previous OK, so \
            a slow server shows as latency, not as a lower rate), and one consumer FINs every message. Each body \
            carries its send time; prints p50/p90/p99/p99.9/max of publish->delivery (e2e) and PUB->OK \
            (pub_rtt) over the window after the warm-up, and exits 3 when a message went missing.
            The same tool measures nsqd and nodeq alike (examples/compare-nsqd.sh latency); the README's \
            latency figures were taken with an equivalent Go tool.""")
            .add("nsqd-tcp-address", Kind.STRING, "127.0.0.1:4150", "daemon TCP address (host:port)")
            .add("nsqd-http-address", Kind.STRING, "", "daemon HTTP address; when set, the topic and channel are created over HTTP first")
            .add("topic", Kind.STRING, "latency", "topic")
            .add("channel", Kind.STRING, "ch", "channel")
            .add("rate", Kind.FLOAT, 1000.0, "total publish rate, messages/s, spread evenly over the publishers")
            .add("duration", Kind.DURATION, Duration.ofSeconds(10), "measured publishing time, after the warm-up")
            .add("warmup", Kind.DURATION, Duration.ofSeconds(3), "publishing time before the measured window; its samples are discarded")
            .add("drain-timeout", Kind.DURATION, Duration.ofSeconds(5), "after publishing: how long to wait for outstanding OKs and deliveries")
            .add("pace-quantum", Kind.DURATION, Duration.ofNanos(200_000), "shortest publisher sleep (commands due sooner go out back to back after it)")
            .add("size", Kind.INT, 200, "message body bytes (>= 16: 8-byte send time, 8-byte run tag, padding)")
            .add("publishers", Kind.INT, 4, "publisher connections, each with a sending and a reading thread")
            .add("rdy", Kind.INT, 2500, "consumer RDY count")
            .add("output-buffer-timeout", Kind.DURATION, null, "consumer IDENTIFY output_buffer_timeout (default: no IDENTIFY, the server's 250ms)")
            .add("output-buffer-size", Kind.INT, 0, "consumer IDENTIFY output_buffer_size in bytes (0: not sent; -1: unbuffered)");
    /** The body must leave room for the PUB line in BenchConnection's 64 KiB send buffer. */
    static final int MAX_SIZE = 32 * 1024;

    LatencyOptions {
        if (!Names.isValidTopicName(topic)) {
            throw new IllegalArgumentException("invalid --topic \"" + topic + "\"");
        }
        if (!Names.isValidChannelName(channel)) {
            throw new IllegalArgumentException("invalid --channel \"" + channel + "\"");
        }
        if (!(rate > 0 && rate <= 10_000_000)) {
            throw new IllegalArgumentException("--rate must be > 0 and at most 10000000 messages/s");
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("--duration must be positive");
        }
        if (warmup.isNegative() || drainTimeout.isNegative() || paceQuantum.isNegative()) {
            throw new IllegalArgumentException("--warmup, --drain-timeout and --pace-quantum must not be negative");
        }
        if (size < LatencyConsumer.BODY_HEADER || size > MAX_SIZE) {
            throw new IllegalArgumentException("--size must be " + LatencyConsumer.BODY_HEADER + ".." + MAX_SIZE);
        }
        if (publishers < 1 || publishers > 256) {
            throw new IllegalArgumentException("--publishers must be 1..256");
        }
        if (rdy < 1) {
            throw new IllegalArgumentException("--rdy must be at least 1");
        }
        if (outputBufferSize < -1) {
            throw new IllegalArgumentException("--output-buffer-size must be -1, 0 (not sent) or a size");
        }
        if (outputBufferTimeout != null && outputBufferTimeout.isNegative()) {
            throw new IllegalArgumentException("--output-buffer-timeout must not be negative");
        }
    }

    static LatencyOptions from(FlagTable.Values f) {
        String http = f.string("nsqd-http-address").replaceFirst("^http://", "").replaceFirst("/.*$", "");
        NsqAddress httpAddress = null;
        if (!http.isEmpty()) {
            try {
                httpAddress = NsqAddress.parse(http, -1);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid value \"" + http + "\" for flag --nsqd-http-address: want host:port");
            }
        }
        return new LatencyOptions(BenchCommand.daemon(f), httpAddress, f.string("topic"), f.string("channel"),
                f.floatValue("rate"), f.duration("duration"), f.duration("warmup"), f.duration("drain-timeout"),
                f.duration("pace-quantum"), f.integer("size"), f.integer("publishers"), f.integer("rdy"),
                f.duration("output-buffer-timeout"), f.integer("output-buffer-size"));
    }

    /** Nanoseconds between two sends of one publisher. */
    double intervalNanos() {
        return publishers * 1e9 / rate;
    }

    /** Whether the consumer sends IDENTIFY at all (only to ask for output buffering, as the Go tool). */
    boolean identify() {
        return outputBufferTimeout != null || outputBufferSize != 0;
    }
}
