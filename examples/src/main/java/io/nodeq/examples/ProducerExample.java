package io.nodeq.examples;

import io.nodeq.client.Producer;
import io.nodeq.client.ProducerOptions;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Publishes a few messages to one daemon: a single PUB, an MPUB, and a deferred DPUB.
 *
 * <pre>
 * java ... io.nodeq.examples.ProducerExample [daemon host:port (127.0.0.1:4150)] [topic (example)]
 * </pre>
 */
public final class ProducerExample {
    private ProducerExample() {
    }

    public static void main(String[] args) throws Exception {
        String daemon = args.length > 0 ? args[0] : "127.0.0.1:4150";
        String topic = args.length > 1 ? args[1] : "example";

        // One producer = one connection to one daemon. It connects in the background and reconnects
        // by itself; close() (try-with-resources) waits for the daemon's answers before closing.
        try (Producer producer = Producer.create(ProducerOptions.builder(daemon).build())) {
            // Every publish returns a future completed by the daemon's reply (OK or an error).
            producer.publish(topic, "hello from nodeq-client").get();

            // MPUB: several messages in one command, accepted all together or not at all.
            producer.publish(topic, List.of("one".getBytes(), "two".getBytes(), "three".getBytes())).get();

            // DPUB: the daemon delivers this one only after 5 seconds.
            CompletableFuture<Void> later = producer.publishDeferred(topic, Duration.ofSeconds(5), "later".getBytes());
            later.get();

            System.out.println("published 5 messages to topic " + topic + " on " + daemon
                    + " (" + producer.stats().published() + " acknowledged)");
        }
    }
}
