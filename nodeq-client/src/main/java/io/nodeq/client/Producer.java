package io.nodeq.client;

import io.nodeq.client.impl.PendingBudget;
import io.nodeq.client.impl.ProducerEngine;
import io.nodeq.client.impl.PublishRequest;
import io.nodeq.client.impl.VertxRef;
import io.nodeq.protocol.Headers;
import io.nodeq.protocol.Names;
import io.vertx.core.Context;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Publishes to one daemon over one connection. Commands are pipelined and the daemon's replies
 * matched in order; each publish returns a future completed by the reply ({@code OK}, or an
 * {@link NsqErrorException}; {@link ConnectionLostException} if the connection dropped first;
 * {@link BufferFullException} if the pending buffer was full). The producer reconnects by itself
 * with exponential backoff; publishes made while it is away wait in the bounded buffer.
 *
 * <p>Thread-safe. Futures complete on the producer's I/O thread: do not block in their callbacks
 * (use the {@code ...Async} stages to move work elsewhere).
 *
 * <pre>{@code
 * try (Producer p = Producer.create(ProducerOptions.builder("127.0.0.1:4150").build())) {
 *     p.publish("events", "hello".getBytes()).join();
 * }
 * }</pre>
 */
public final class Producer implements AutoCloseable {
    private final ProducerOptions options;
    private final VertxRef vertx;
    private final PendingBudget budget;
    private final ProducerEngine engine;
    private volatile boolean closed;

    private Producer(ProducerOptions options) {
        this.options = options;
        this.vertx = VertxRef.of(options.vertx());
        this.budget = new PendingBudget((int) options.maxPendingBytes());
        this.engine = new ProducerEngine(options, vertx.vertx(), budget);
    }

    /** Creates the producer and starts connecting in the background. */
    public static Producer create(ProducerOptions options) {
        Producer p = new Producer(Objects.requireNonNull(options, "options"));
        p.engine.start();
        return p;
    }

    public ProducerOptions options() {
        return options;
    }

    /** Publishes one message (PUB, or part of an MPUB when batching is on). */
    public CompletableFuture<Void> publish(String topic, byte[] body) {
        checkTopic(topic);
        checkBody(body);
        return submit(PublishRequest.pub(topic, body));
    }

    /**
     * Publishes one message with headers (a nodeq extension, PROTOCOL-EXTENSIONS.md): consumers that
     * negotiated headers get them, others the body alone. {@link Headers#MSG_ID} makes the publish
     * idempotent on a topic with a dedup window. The future fails with
     * {@link HeadersNotSupportedException} when the daemon did not grant {@code nodeq_headers} (a
     * real nsqd). {@link Headers#NONE} publishes as {@link #publish(String, byte[])}.
     */
    public CompletableFuture<Void> publish(String topic, Headers headers, byte[] body) {
        checkTopic(topic);
        byte[] block = block(headers);
        checkBody(body, block);
        return submit(PublishRequest.pub(topic, block, body));
    }

    /** Publishes a UTF-8 string. */
    public CompletableFuture<Void> publish(String topic, String body) {
        return publish(topic, body.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Publishes several messages atomically in one MPUB (all or none). The list is read now and
     * not kept; the arrays must not be modified until the future completes.
     */
    public CompletableFuture<Void> publish(String topic, List<byte[]> bodies) {
        checkTopic(topic);
        Objects.requireNonNull(bodies, "bodies");
        if (bodies.isEmpty()) {
            throw new IllegalArgumentException("MPUB needs at least one message");
        }
        long total = 4;
        for (byte[] b : bodies) {
            checkBody(b);
            total += 4 + b.length;
        }
        if (total > 5L * 1024 * 1024) {
            throw new IllegalArgumentException("MPUB body of " + total + " bytes exceeds the daemon's 5 MiB limit");
        }
        return submit(PublishRequest.mpub(topic, List.copyOf(bodies)));
    }

    /** Publishes a message the daemon delivers only after {@code delay} (DPUB; 0..1 h). */
    public CompletableFuture<Void> publishDeferred(String topic, Duration delay, byte[] body) {
        checkTopic(topic);
        checkBody(body);
        return submit(PublishRequest.dpub(topic, deferMs(delay), body));
    }

    /** {@link #publishDeferred(String, Duration, byte[])} with headers (see {@link #publish(String, Headers, byte[])}). */
    public CompletableFuture<Void> publishDeferred(String topic, Duration delay, Headers headers, byte[] body) {
        checkTopic(topic);
        byte[] block = block(headers);
        checkBody(body, block);
        return submit(PublishRequest.dpub(topic, deferMs(delay), block, body));
    }

    /** The encoded block, or null when there are no headers (the message goes out as a plain one). */
    private static byte[] block(Headers headers) {
        Objects.requireNonNull(headers, "headers");
        return headers.isEmpty() ? null : headers.encode();
    }

    /** Whether the connection to the daemon is currently up. */
    public boolean isConnected() {
        return engine.isConnected();
    }

    /** Counters since creation. */
    public ProducerStats stats() {
        return new ProducerStats(engine.published(), engine.failed(), budget.used(), engine.isConnected());
    }

    /**
     * Sends everything batched, waits up to {@code closeTimeout} for the daemon's replies, then closes
     * the connection (and the Vert.x instance if the producer created it). Publishes still unanswered
     * fail. Idempotent; call it from an application thread, not an event loop.
     */
    @Override
    public void close() {
        if (Context.isOnEventLoopThread()) {
            throw new IllegalStateException("Producer.close() blocks; call it from an application thread");
        }
        if (closed) {
            return;
        }
        closed = true;
        long timeout = options.closeTimeout().toMillis();
        try {
            engine.flushAndWait().await(Math.max(1, timeout), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // timed out: terminate() below fails what is left
        }
        try {
            engine.terminate().await(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the event loop is gone or stuck; nothing more to release
        }
        vertx.release(5000);
    }

    private CompletableFuture<Void> submit(PublishRequest r) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("producer is closed"));
        }
        if (!reserve(r.cost())) {
            return CompletableFuture.failedFuture(new BufferFullException("producer buffer full ("
                    + options.maxPendingBytes() + " bytes pending for " + options.address() + ")"));
        }
        engine.enqueue(r);
        return r.future();
    }

    private boolean reserve(int cost) {
        if (cost > options.maxPendingBytes()) {
            return false;
        }
        if (budget.tryAcquire(cost)) {
            return true;
        }
        if (options.overflowPolicy() == ProducerOptions.OverflowPolicy.FAIL || Context.isOnEventLoopThread()) {
            return false;
        }
        return budget.acquire(cost, options.maxBlock());
    }

    private static void checkTopic(String topic) {
        if (!Names.isValidTopicName(topic)) {
            throw new IllegalArgumentException("invalid topic name \"" + topic + "\"");
        }
    }

    private static long deferMs(Duration delay) {
        long ms = delay.toMillis();
        if (ms < 0 || ms > 3_600_000L) {
            throw new IllegalArgumentException("DPUB delay must be 0..1h: " + delay);
        }
        return ms;
    }

    private void checkBody(byte[] body) {
        checkBody(body, null);
    }

    /** {@code block}: the encoded headers or null; the daemon's message size limit counts them too. */
    private void checkBody(byte[] body, byte[] block) {
        Objects.requireNonNull(body, "body");
        if (body.length == 0) {
            throw new IllegalArgumentException("NSQ refuses empty messages");
        }
        int size = body.length + (block == null ? 0 : block.length);
        if (size > options.maxMessageSize()) {
            throw new IllegalArgumentException("message of " + size + " bytes exceeds maxMessageSize "
                    + options.maxMessageSize());
        }
    }
}
