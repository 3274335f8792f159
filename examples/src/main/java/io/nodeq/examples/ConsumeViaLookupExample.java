package io.nodeq.examples;

import io.nodeq.client.Consumer;
import io.nodeq.client.ConsumerOptions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Consumes a topic from every daemon that holds it, found through a lookup: the consumer never
 * names a daemon. It asks the lookup {@code GET /lookup?topic=} at start and every poll interval,
 * connects to each daemon listed, and drops daemons that leave. A daemon started later with the
 * same topic is picked up at the next poll, without restarting the consumer.
 *
 * <pre>
 * ./run.sh &amp;   curl -d hi 'http://127.0.0.1:4151/pub?topic=example'
 * java ... io.nodeq.examples.ConsumeViaLookupExample [lookup http host:port (127.0.0.1:4161)] [topic (example)]
 *          [channel (via-lookup)] [count (10)]
 * </pre>
 */
public final class ConsumeViaLookupExample {
    private ConsumeViaLookupExample() {
    }

    public static void main(String[] args) throws Exception {
        String lookup = args.length > 0 ? args[0] : "127.0.0.1:4161";
        String topic = args.length > 1 ? args[1] : "example";
        String channel = args.length > 2 ? args[2] : "via-lookup";
        int count = args.length > 3 ? Integer.parseInt(args[3]) : 10;

        System.out.println("waiting for " + count + " messages on " + topic + "/" + channel + " via lookup " + lookup);
        List<String> bodies = consume(lookup, topic, channel, count, Duration.ofMinutes(10));
        System.out.println("received " + bodies.size() + ": " + bodies);
    }

    /**
     * Consumes until {@code count} messages arrived or {@code timeout} passed, then stops cleanly and
     * returns the bodies in arrival order.
     */
    public static List<String> consume(String lookup, String topic, String channel, int count, Duration timeout)
            throws InterruptedException {
        List<String> bodies = new ArrayList<>();
        CompletableFuture<Void> enough = new CompletableFuture<>();
        Consumer consumer = Consumer.create(ConsumerOptions.builder(topic, channel, message -> {
                    // a worker thread of the consumer; the list is shared with the caller, hence the lock
                    synchronized (bodies) {
                        bodies.add(message.bodyAsString());
                        if (bodies.size() >= count) {
                            enough.complete(null);
                        }
                    }
                })
                .lookup(lookup)                                  // any number of lookups; answers are merged
                .lookupPollInterval(Duration.ofSeconds(5))       // go-nsq polls every 60 s; short here to see new daemons soon
                .maxInFlight(Math.max(1, Math.min(count, 100)))  // never more in flight than we want to take
                .build());
        try {
            enough.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            // fewer than count arrived in time: return what did
        } finally {
            // CLS to every daemon; messages already handled are FINished before the connections close
            consumer.stop();
        }
        synchronized (bodies) {
            return List.copyOf(bodies);
        }
    }
}
