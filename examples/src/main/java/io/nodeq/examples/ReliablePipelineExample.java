package io.nodeq.examples;

import io.nodeq.client.Consumer;
import io.nodeq.client.ConsumerOptions;
import io.nodeq.client.Message;
import io.nodeq.client.Producer;
import io.nodeq.client.ProducerOptions;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A pipeline that loses nothing and applies nothing twice, the way careful NSQ (and Kafka) users
 * build one. NSQ promises at-least-once delivery: a message is redelivered if its consumer dies,
 * times out or loses the connection before FIN, and a producer that retries after a lost OK
 * publishes the same event twice. So:
 *
 * <ol>
 *   <li><b>Producer: publish until OK.</b> A publish counts only when its future completes (the
 *       daemon has it). On failure, publish again: a duplicate is cheap, a loss is not.</li>
 *   <li><b>Consumer: FIN only after the work is done</b> (manual mode, {@code autoFinish(false)}).
 *       A crash before FIN means redelivery, never loss. Long work TOUCHes to keep the message.</li>
 *   <li><b>Idempotent handling.</b> Every event carries a business key (here the order ID). The
 *       effect and "key done" are recorded together — in a real system one database transaction
 *       with a unique constraint on the key — and a key already done is FINished without effect.
 *       The message ID is not enough: a producer's retry is a new message with a new ID; key by ID
 *       only where producers never retry.</li>
 *   <li><b>Failures: REQ with a delay</b> (transient), and after {@code maxAttempts} a dead-letter
 *       topic instead of an endless loop (poison messages).</li>
 * </ol>
 *
 * Runs against the mesh of ./run.sh by default: publishes a few orders (some twice, as a retrying
 * producer would), fails one of them once, and prints what was applied.
 *
 * <pre>
 * java ... io.nodeq.examples.ReliablePipelineExample [daemon host:port (127.0.0.1:4150)] [orders (20)]
 * </pre>
 */
public final class ReliablePipelineExample {
    private ReliablePipelineExample() {
    }

    /** What a run did: orders applied once each, deliveries skipped as duplicates, failures retried. */
    public record Result(int applied, int duplicatesSkipped, int retried, int deadLettered) {
    }

    public static void main(String[] args) throws Exception {
        String daemon = args.length > 0 ? args[0] : "127.0.0.1:4150";
        int orders = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        Result r = run(daemon, "orders-" + System.currentTimeMillis(), orders, Duration.ofSeconds(60));
        System.out.printf("applied %d orders exactly once; skipped %d duplicate deliveries; retried %d failures;"
                + " %d dead-lettered%n", r.applied(), r.duplicatesSkipped(), r.retried(), r.deadLettered());
    }

    /** Publishes {@code orders} orders (every fifth twice) to {@code topic}, processes them, returns the tally. */
    public static Result run(String daemon, String topic, int orders, Duration timeout) throws Exception {
        // Stands in for the database: the applied orders, keyed by order ID (the unique constraint).
        Map<String, String> applied = new ConcurrentHashMap<>();
        AtomicInteger duplicates = new AtomicInteger();
        AtomicInteger retried = new AtomicInteger();
        AtomicInteger deadLettered = new AtomicInteger();

        try (Producer producer = Producer.create(ProducerOptions.builder(daemon).build())) {
            // 1. Publish until OK. Every fifth order is sent twice, as after a lost OK and a retry.
            for (int i = 0; i < orders; i++) {
                String order = "order-" + i + ":amount=" + (10 + i);
                publishUntilOk(producer, topic, order);
                if (i % 5 == 0) {
                    publishUntilOk(producer, topic, order);
                }
            }

            Consumer consumer = Consumer.create(ConsumerOptions.builder(topic, "billing", m -> {
                        String key = m.bodyAsString().substring(0, m.bodyAsString().indexOf(':'));
                        // 3. Already applied (a redelivery, or the producer's retry): nothing to do but FIN.
                        if (applied.containsKey(key)) {
                            duplicates.incrementAndGet();
                            m.finish();
                            return;
                        }
                        // A transient failure on the first delivery of order-3 (a database hiccup):
                        // 4. REQ with a delay; the daemon redelivers it with attempts = 2.
                        if (key.equals("order-3") && m.attempts() == 1) {
                            retried.incrementAndGet();
                            m.requeue(Duration.ofMillis(200));
                            return;
                        }
                        if (!apply(m, key, applied)) {
                            duplicates.incrementAndGet();   // the other copy was being applied at the same moment
                        }
                        // 2. FIN only now that the effect is recorded.
                        m.finish();
                    })
                    .daemon(daemon)                    // or .lookup(...): see ConsumeViaLookupExample
                    .autoFinish(false)                 // the handler answers FIN/REQ itself
                    .maxInFlight(20)
                    .concurrency(4)                    // several workers: the key check must be atomic (putIfAbsent)
                    .autoTouch(true)                   // slow work keeps its message: TOUCH every half msg_timeout
                    .maxAttempts(5)
                    .giveUpHandler(m -> {              // 4. poison message: park it, do not loop forever
                        deadLettered.incrementAndGet();
                        producer.publish(topic + ".dead", m.body()).join();
                    })
                    .backoffMultiplier(Duration.ofMillis(100))   // short backoff for the demo (go-nsq: 1 s)
                    .build());
            try {
                long deadline = System.nanoTime() + timeout.toNanos();
                while (applied.size() < orders && System.nanoTime() < deadline) {
                    TimeUnit.MILLISECONDS.sleep(50);
                }
                // the duplicates were published before the originals were consumed, so wait for them too
                int expectedDuplicates = (orders + 4) / 5;
                while (duplicates.get() < expectedDuplicates && System.nanoTime() < deadline) {
                    TimeUnit.MILLISECONDS.sleep(50);
                }
            } finally {
                consumer.stop();
            }
        }
        return new Result(applied.size(), duplicates.get(), retried.get(), deadLettered.get());
    }

    /**
     * The effect and the "done" mark in one atomic step (in a database: INSERT the order with its key
     * under a unique constraint, in the transaction that does the work). False: a concurrent
     * delivery of the same key won, nothing was done.
     */
    private static boolean apply(Message m, String key, Map<String, String> applied) {
        return applied.putIfAbsent(key, m.bodyAsString()) == null;
    }

    private static void publishUntilOk(Producer producer, String topic, String body) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                producer.publish(topic, body).get(10, TimeUnit.SECONDS);
                return;
            } catch (Exception e) {
                if (attempt == 5) {
                    throw new IllegalStateException("cannot publish " + body + " after 5 attempts", e);
                }
                TimeUnit.MILLISECONDS.sleep(100L * attempt);   // the producer reconnects meanwhile
            }
        }
    }
}
