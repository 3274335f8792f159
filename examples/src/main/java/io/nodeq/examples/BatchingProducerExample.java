package io.nodeq.examples;

import io.nodeq.client.BufferFullException;
import io.nodeq.client.Producer;
import io.nodeq.client.ProducerOptions;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes many small messages with automatic batching: single {@code publish} calls are gathered
 * into MPUBs of up to 500 messages or 256 KiB, or whatever arrived within 5 ms.
 *
 * <pre>
 * java ... io.nodeq.examples.BatchingProducerExample [daemon host:port (127.0.0.1:4150)] [topic (example)] [count (100000)]
 * </pre>
 */
public final class BatchingProducerExample {
    private BatchingProducerExample() {
    }

    public static void main(String[] args) throws Exception {
        String daemon = args.length > 0 ? args[0] : "127.0.0.1:4150";
        String topic = args.length > 1 ? args[1] : "example";
        int count = args.length > 2 ? Integer.parseInt(args[2]) : 100_000;

        ProducerOptions options = ProducerOptions.builder(daemon)
                .batching(true)                     // gather publishes into MPUB (like Kafka's batch.size/linger.ms)
                .batchMaxMessages(500)
                .batchMaxBytes(256 * 1024)
                .linger(Duration.ofMillis(5))
                // at most 32 MiB waiting for the daemon; beyond that publish() blocks up to 10 s,
                // then fails with BufferFullException (OverflowPolicy.FAIL would fail at once)
                .maxPendingBytes(32L * 1024 * 1024)
                .overflowPolicy(ProducerOptions.OverflowPolicy.BLOCK)
                .maxBlock(Duration.ofSeconds(10))
                .build();

        AtomicLong failed = new AtomicLong();
        long start = System.nanoTime();
        try (Producer producer = Producer.create(options)) {
            for (int i = 0; i < count; i++) {
                byte[] body = ("event " + i).getBytes(StandardCharsets.UTF_8);
                // Do not block per message: count failures in the callback instead.
                producer.publish(topic, body).whenComplete((ok, error) -> {
                    if (error != null) {
                        failed.incrementAndGet();
                        if (error.getCause() instanceof BufferFullException) {
                            System.err.println("daemon too slow or unreachable: " + error.getCause().getMessage());
                        }
                    }
                });
            }
        } // close() sends the last partial batch and waits for every answer
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("published %d messages in %.2f s (%.0f msgs/s), %d failed%n",
                count - failed.get(), seconds, count / seconds, failed.get());
    }
}
