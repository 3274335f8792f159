package io.nodeq.tools;

import io.nodeq.client.Consumer;
import io.nodeq.client.ConsumerOptions;
import io.nodeq.client.NsqAddress;
import io.nodeq.config.Flag.Kind;
import io.nodeq.config.FlagTable;
import io.nodeq.config.UsageException;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code nodeq tail}: nsq_tail. Subscribes to a topic on an ephemeral channel of its own (the daemon
 * deletes it when the tail disconnects, so tailing leaves nothing behind) and prints each body on a
 * line of stdout.
 */
final class TailCommand implements ToolCommand {
    static final String DEFAULT_LOOKUP = "127.0.0.1:4161";

    @Override
    public String name() {
        return "tail";
    }

    @Override
    public String summary() {
        return "print the messages of a topic to stdout (like nsq_tail)";
    }

    @Override
    public FlagTable flags() {
        return FLAGS;
    }

    private static final FlagTable FLAGS = new FlagTable("nodeq tail", """
            nodeq tail --topic T [--channel C] [--lookupd-http-address A]... [--nsqd-tcp-address A]... [--n N]

            Prints the body of every message of topic T on its own line of stdout. Ctrl-C stops cleanly.""")
            .add("topic", Kind.STRING, "", "topic to tail (required)")
            .add("channel", Kind.STRING, "", "channel to read (default: tail<random>#ephemeral, deleted when the tail "
                    + "stops; a durable channel name takes messages away from its other consumers)")
            .add("lookupd-http-address", Kind.STRINGS, List.of(), "lookup HTTP address to discover daemons from "
                    + "(repeatable; default 127.0.0.1:4161 when no --nsqd-tcp-address is given)")
            .add("nsqd-tcp-address", Kind.STRINGS, List.of(), "daemon TCP address to read from directly (repeatable)")
            .add("n", Kind.LONG, 0L, "exit after N messages (0: never)")
            .add("max-in-flight", Kind.LONG, 200L, "messages held at once");

    @Override
    public int run(FlagTable.Values flags, ToolIo io) throws Exception {
        String topic = flags.required("topic");
        String channel = flags.has("channel") ? flags.string("channel")
                : "tail" + ThreadLocalRandom.current().nextInt(1_000_000) + "#ephemeral";
        long limit = ToolCommand.count(flags, "n");
        long maxInFlight = ToolCommand.count(flags, "max-in-flight");
        if (maxInFlight < 1 || maxInFlight > 65535) {
            throw new UsageException("--max-in-flight must be 1..65535");
        }
        List<NsqAddress> daemons = ToolCommand.addresses(flags, "nsqd-tcp-address", 4150);
        List<String> lookups = flags.strings("lookupd-http-address");
        if (daemons.isEmpty() && lookups.isEmpty()) {
            lookups = List.of(DEFAULT_LOOKUP);
        }

        CompletableFuture<Void> enough = new CompletableFuture<>();
        AtomicLong printed = new AtomicLong();
        ConsumerOptions.Builder options = ConsumerOptions.builder(topic, channel, m -> {
                    // One handler thread (concurrency 1), so lines never interleave and the count is exact.
                    if (limit > 0 && printed.get() >= limit) {
                        m.requeueWithoutBackoff(Duration.ZERO);   // past --n: leave it for someone else
                        return;
                    }
                    io.out().write(m.body(), 0, m.body().length);
                    io.out().write('\n');
                    io.out().flush();
                    if (io.out().checkError()) {
                        // stdout is gone (`nodeq tail ... | head -3` after head exited): stop like Ctrl-C
                        m.requeueWithoutBackoff(Duration.ZERO);
                        enough.complete(null);
                        return;
                    }
                    if (printed.incrementAndGet() == limit) {
                        enough.complete(null);
                    }
                })
                .maxInFlight((int) (limit > 0 ? Math.min(limit, maxInFlight) : maxInFlight))
                .concurrency(1)
                .maxAttempts(0)                          // a printer never gives up on a message
                .lookupPollInterval(Duration.ofSeconds(15))
                .stopTimeout(Duration.ofSeconds(5));
        daemons.forEach(options::daemon);
        lookups.forEach(options::lookup);
        ConsumerOptions built;
        try {
            built = options.build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }

        Consumer consumer = Consumer.create(built);
        try {
            CompletableFuture.anyOf(enough, io.stop()).join();
        } finally {
            consumer.stop();   // CLS, FIN what was printed, close
        }
        return 0;
    }
}
