package io.nodeq.examples;

import io.nodeq.client.Consumer;
import io.nodeq.client.ConsumerOptions;
import io.nodeq.client.ConsumerStats;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Consumes a topic through a lookup (or directly from a daemon) until Ctrl-C, then stops cleanly.
 *
 * <pre>
 * java ... io.nodeq.examples.ConsumerExample [lookup host:port (127.0.0.1:4161) | daemon tcp://host:port] [topic (example)] [channel (printer)]
 * </pre>
 */
public final class ConsumerExample {
    private ConsumerExample() {
    }

    public static void main(String[] args) throws Exception {
        String source = args.length > 0 ? args[0] : "127.0.0.1:4161";
        String topic = args.length > 1 ? args[1] : "example";
        String channel = args.length > 2 ? args[2] : "printer";

        ConsumerOptions.Builder options = ConsumerOptions.builder(topic, channel, message -> {
                    // Runs on a worker thread. Returning finishes the message (FIN);
                    // throwing requeues it with a growing delay and slows delivery down (backoff).
                    System.out.printf("%s (attempt %d, from %s)%n", message.bodyAsString(), message.attempts(),
                            message.daemon());
                })
                .maxInFlight(100)          // messages in flight over all daemons
                .concurrency(4)            // handler threads
                .maxAttempts(5)            // after 5 deliveries: give up (FIN) and call the give-up handler
                .giveUpHandler(m -> System.err.println("giving up on " + m.bodyAsString()))
                .requeueDelay(Duration.ofSeconds(2));
        if (source.startsWith("tcp://")) {
            options.daemon(source.substring("tcp://".length()));    // a daemon given directly
        } else {
            options.lookup(source);                                  // daemons discovered through a lookup
        }
        Consumer consumer = Consumer.create(options.build());

        // stop() sends CLS, lets in-flight handlers finish (their FINs still go out), then closes.
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            consumer.stop();
            ConsumerStats s = consumer.stats();
            System.out.printf("stopped: %d received, %d finished, %d requeued%n", s.received(), s.finished(), s.requeued());
            done.countDown();
        }));
        System.out.println("consuming " + topic + "/" + channel + " from " + source + "; Ctrl-C to stop");
        done.await();
    }
}
