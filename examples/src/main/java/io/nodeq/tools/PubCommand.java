package io.nodeq.tools;

import io.nodeq.client.NsqAddress;
import io.nodeq.client.Producer;
import io.nodeq.client.ProducerOptions;
import io.nodeq.config.Flag.Kind;
import io.nodeq.config.FlagTable;
import io.nodeq.config.UsageException;
import io.nodeq.protocol.GoDuration;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code nodeq pub}: to_nsq. Every delimited record of stdin becomes one message; the producer
 * gathers them into MPUBs (one round trip per few hundred lines instead of one per line).
 */
final class PubCommand implements ToolCommand {
    static final String DEFAULT_DAEMON = "127.0.0.1:4150";

    @Override
    public String name() {
        return "pub";
    }

    @Override
    public String summary() {
        return "publish each line of stdin as a message (like to_nsq)";
    }

    @Override
    public FlagTable flags() {
        return FLAGS;
    }

    private static final FlagTable FLAGS = new FlagTable("nodeq pub", """
            nodeq pub --topic T [--nsqd-tcp-address A] [--delimiter D] [--batch-size N] [--connect-timeout D]

            Publishes every line of stdin (empty lines skipped) to topic T, batched into MPUB, and prints
            a one-line summary to stderr when stdin ends.""")
            .add("topic", Kind.STRING, "", "topic to publish to (required)")
            .add("nsqd-tcp-address", Kind.STRINGS, List.of(DEFAULT_DAEMON), "daemon TCP address")
            .add("delimiter", Kind.STRING, "\\n", "one character ending a message (\\t, \\0, \\r accepted as escapes)")
            .add("batch-size", Kind.LONG, 200L, "messages per MPUB at most")
            .add("connect-timeout", Kind.DURATION, Duration.ofSeconds(10),
                    "give up (exit 1) if the daemon cannot be reached within this");

    @Override
    public int run(FlagTable.Values flags, ToolIo io) throws Exception {
        String topic = flags.required("topic");
        List<NsqAddress> daemons = ToolCommand.addresses(flags, "nsqd-tcp-address", 4150);
        if (daemons.size() > 1) {
            throw new UsageException("--nsqd-tcp-address may be given once (publish to the local daemon)");
        }
        NsqAddress daemon = daemons.get(0);
        int delimiter = delimiter(flags.has("delimiter") ? flags.string("delimiter") : "\n");
        long batch = ToolCommand.count(flags, "batch-size");
        if (batch < 1 || batch > 10_000) {
            throw new UsageException("--batch-size must be 1..10000");
        }
        Duration connectTimeout = ToolCommand.positive(flags, "connect-timeout");
        ProducerOptions options;
        try {
            options = ProducerOptions.builder(daemon).batching(true).batchMaxMessages((int) batch)
                    .linger(Duration.ofMillis(5)).overflowPolicy(ProducerOptions.OverflowPolicy.BLOCK)
                    .maxBlock(Duration.ofSeconds(30)).build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }

        AtomicLong failed = new AtomicLong();
        AtomicReference<Throwable> firstError = new AtomicReference<>();
        long messages = 0;
        long bytes = 0;
        long start = System.nanoTime();
        try (Producer producer = Producer.create(options)) {
            awaitConnected(producer, daemon, connectTimeout);
            InputStream in = new BufferedInputStream(io.in(), 64 * 1024);
            byte[] body;
            while ((body = next(in, delimiter)) != null && !io.stop().isDone()) {
                if (body.length == 0) {
                    continue;   // the daemon refuses empty bodies; to_nsq skips them too
                }
                messages++;
                bytes += body.length;
                producer.publish(topic, body).whenComplete((ok, e) -> {
                    if (e != null) {
                        failed.incrementAndGet();
                        firstError.compareAndSet(null, e);
                    }
                });
            }
        } // close(): sends the last batch and waits for every answer
        double seconds = (System.nanoTime() - start) / 1e9;
        long published = messages - failed.get();
        if (failed.get() > 0) {
            io.err().printf("nodeq pub: published %d of %d messages to %s on %s; %d failed: %s%n",
                    published, messages, topic, daemon, failed.get(), Nodeq.oneLine(firstError.get()));
            return 1;
        }
        io.err().printf("nodeq pub: published %d messages (%d bytes) to %s on %s in %.2f s%n",
                published, bytes, topic, daemon, seconds);
        return 0;
    }

    /** Fails fast when no daemon listens, instead of holding stdin in the buffer while reconnecting. */
    private static void awaitConnected(Producer producer, NsqAddress daemon, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!producer.isConnected()) {
            if (System.nanoTime() > deadline) {
                throw new IOException("cannot connect to daemon " + daemon + " within " + GoDuration.format(timeout));
            }
            Thread.sleep(10);
        }
    }

    /** The next record without its delimiter; null at the end of the input. */
    private static byte[] next(InputStream in, int delimiter) throws IOException {
        ByteArrayOutputStream record = new ByteArrayOutputStream(128);
        int b;
        while ((b = in.read()) >= 0) {
            if (b == delimiter) {
                return record.toByteArray();
            }
            record.write(b);
        }
        return record.size() == 0 ? null : record.toByteArray();
    }

    private static int delimiter(String d) {
        String v = switch (d) {
            case "\\n" -> "\n";
            case "\\t" -> "\t";
            case "\\r" -> "\r";
            case "\\0" -> "\0";
            default -> d;
        };
        if (v.length() != 1 || v.charAt(0) > 0x7f) {
            throw new UsageException("--delimiter must be one ASCII character, got \"" + d + "\"");
        }
        return v.charAt(0);
    }
}
