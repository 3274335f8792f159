package io.nodeq.examples;

import io.nodeq.client.Consumer;
import io.nodeq.client.ConsumerOptions;
import io.nodeq.client.Message;
import io.nodeq.client.Producer;
import io.nodeq.client.ProducerOptions;
import io.nodeq.protocol.Headers;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The pipeline of {@link ReliablePipelineExample} with the daemon doing the bookkeeping (nodeq
 * extensions; see the README's "Idempotent publish" and "Max attempts and dead-lettering"):
 *
 * <ol>
 *   <li><b>Idempotent publish.</b> The topic has a {@code dedup_window}; every order is published
 *       with its business key as the {@code Nodeq-Msg-Id} header. A producer that retries after a
 *       lost OK publishes the same key again, and the daemon answers OK without storing it: the
 *       consumer never sees the duplicate.</li>
 *   <li><b>Max attempts on the server.</b> The channel has {@code max_attempts} and a
 *       {@code dead_letter_topic}. The consumer REQs what it cannot handle; after the last attempt
 *       the daemon moves the message to the dead-letter topic itself, with headers naming where it
 *       came from. No give-up handler, no second publish from the client, nothing lost if the
 *       consumer dies in between.</li>
 * </ol>
 *
 * Runs against the mesh of ./run.sh by default (the daemon's TCP and HTTP addresses):
 * <pre>
 * java ... io.nodeq.examples.ServerSidePipelineExample [tcp host:port (127.0.0.1:4150)] [http host:port (127.0.0.1:4151)] [orders (20)]
 * </pre>
 */
public final class ServerSidePipelineExample {
    private ServerSidePipelineExample() {
    }

    /** What a run did: orders applied, retried publishes the daemon dropped, dead letters and their origin. */
    public record Result(int applied, int duplicatesDelivered, List<String> deadLetters, String deadLetterOrigin) {
    }

    public static void main(String[] args) throws Exception {
        String tcp = args.length > 0 ? args[0] : "127.0.0.1:4150";
        String http = args.length > 1 ? args[1] : "127.0.0.1:4151";
        int orders = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        Result r = run(tcp, http, "orders-" + System.currentTimeMillis(), orders, Duration.ofSeconds(60));
        System.out.printf("applied %d orders; %d duplicate deliveries (the daemon dropped the retried publishes);"
                + " dead letters %s from %s%n", r.applied(), r.duplicatesDelivered(), r.deadLetters(), r.deadLetterOrigin());
    }

    /**
     * Publishes {@code orders} orders (every fifth twice, as a retrying producer would) with their
     * key as {@code Nodeq-Msg-Id}; order-3 is poison (always fails) and ends in {@code topic.dead}.
     */
    public static Result run(String tcp, String http, String topic, int orders, Duration timeout) throws Exception {
        String dead = topic + ".dead";
        // 1. and 2.: the daemon's side of the contract, set once (also: --max-attempts, --dead-letter-suffix)
        post(http, "/topic/create?topic=" + topic + "&dedup_window=10m");
        post(http, "/channel/create?topic=" + topic + "&channel=billing&max_attempts=3&dead_letter_topic=" + dead);

        Map<String, String> applied = new ConcurrentHashMap<>();
        AtomicInteger duplicates = new AtomicInteger();
        List<String> deadLetters = new CopyOnWriteArrayList<>();
        String[] origin = new String[1];

        try (Producer producer = Producer.create(ProducerOptions.builder(tcp).build())) {
            for (int i = 0; i < orders; i++) {
                String key = "order-" + i;
                byte[] body = (key + ":amount=" + (10 + i)).getBytes(StandardCharsets.UTF_8);
                Headers headers = Headers.of(Headers.MSG_ID, key);
                producer.publish(topic, headers, body).get(10, TimeUnit.SECONDS);
                if (i % 5 == 0) {
                    // a retry after a lost OK: same key, so the daemon answers OK and stores nothing
                    producer.publish(topic, headers, body).get(10, TimeUnit.SECONDS);
                }
            }

            Consumer billing = Consumer.create(ConsumerOptions.builder(topic, "billing", m -> {
                        String key = m.msgId();
                        if (key.equals("order-3")) {
                            m.requeueWithoutBackoff(Duration.ZERO);   // poison: the daemon counts the attempts
                            return;
                        }
                        if (applied.putIfAbsent(key, m.bodyAsString()) != null) {
                            duplicates.incrementAndGet();
                        }
                        m.finish();
                    })
                    .daemon(tcp)
                    .autoFinish(false)
                    .maxInFlight(20)
                    .build());
            Consumer parked = Consumer.create(ConsumerOptions.builder(dead, "ops", m -> {
                        deadLetters.add(m.bodyAsString());
                        origin[0] = m.headers().get(Headers.ORIGIN_TOPIC) + "/" + m.headers().get(Headers.ORIGIN_CHANNEL)
                                + " after " + m.headers().get(Headers.ORIGIN_ATTEMPTS) + " attempts";
                        m.finish();
                    })
                    .daemon(tcp)
                    .autoFinish(false)
                    .build());
            try {
                long deadline = System.nanoTime() + timeout.toNanos();
                while ((applied.size() < orders - 1 || deadLetters.isEmpty()) && System.nanoTime() < deadline) {
                    TimeUnit.MILLISECONDS.sleep(50);
                }
            } finally {
                billing.stop();
                parked.stop();
            }
        }
        return new Result(applied.size(), duplicates.get(), List.copyOf(deadLetters), origin[0]);
    }

    private static void post(String http, String pathAndQuery) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + http + pathAndQuery))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(pathAndQuery + ": HTTP " + r.statusCode() + " " + r.body());
        }
    }
}
