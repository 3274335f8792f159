package io.nodeq.client;

import io.nodeq.client.impl.VertxRef;
import io.nodeq.protocol.ErrorCodes;
import io.vertx.core.Context;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Spreads publishes over several daemons, one {@link Producer} each, round-robin over the
 * connected ones. A publish that fails because its daemon went away, refused it for a server-side
 * reason ({@code E_PUB_FAILED}, ...) or had a full buffer is retried on the next daemon, up to once
 * per daemon. A retried publish may have reached the first daemon after all (at-least-once).
 *
 * <p>Thread-safe. All producers share one Vert.x instance.
 */
public final class ProducerPool implements AutoCloseable {
    private final List<Producer> producers = new ArrayList<>();
    private final VertxRef vertx;
    private final AtomicInteger next = new AtomicInteger();

    private ProducerPool(List<NsqAddress> daemons, ProducerOptions template) {
        this.vertx = VertxRef.of(template.vertx());
        ProducerOptions.Builder b = ProducerOptions.builder(template.address()).connection(template.connection())
                .batching(template.batching()).batchMaxMessages(template.batchMaxMessages())
                .batchMaxBytes(template.batchMaxBytes()).linger(template.linger())
                .maxPendingBytes(template.maxPendingBytes()).overflowPolicy(template.overflowPolicy())
                .maxBlock(template.maxBlock()).maxMessageSize(template.maxMessageSize())
                .reconnectMinDelay(template.reconnectMinDelay()).reconnectMaxDelay(template.reconnectMaxDelay())
                .closeTimeout(template.closeTimeout()).maxInFlightCommands(template.maxInFlightCommands())
                .vertx(vertx.vertx());
        for (NsqAddress a : daemons) {
            producers.add(Producer.create(b.address(a).build()));
        }
    }

    /**
     * One producer per daemon, each configured like {@code template} (its address is ignored).
     * Closing the pool closes them all.
     */
    public static ProducerPool create(List<NsqAddress> daemons, ProducerOptions template) {
        Objects.requireNonNull(template, "template");
        if (daemons.isEmpty()) {
            throw new IllegalArgumentException("a pool needs at least one daemon");
        }
        return new ProducerPool(List.copyOf(daemons), template);
    }

    public CompletableFuture<Void> publish(String topic, byte[] body) {
        return withFailover(p -> p.publish(topic, body));
    }

    public CompletableFuture<Void> publish(String topic, List<byte[]> bodies) {
        List<byte[]> copy = List.copyOf(bodies);
        return withFailover(p -> p.publish(topic, copy));
    }

    public CompletableFuture<Void> publishDeferred(String topic, Duration delay, byte[] body) {
        return withFailover(p -> p.publishDeferred(topic, delay, body));
    }

    /** The producers, in the order of the daemons given. */
    public List<Producer> producers() {
        return List.copyOf(producers);
    }

    /** Closes every producer (each flushes, see {@link Producer#close()}). */
    @Override
    public void close() {
        if (Context.isOnEventLoopThread()) {
            throw new IllegalStateException("ProducerPool.close() blocks; call it from an application thread");
        }
        for (Producer p : producers) {
            p.close();
        }
        vertx.release(5000);
    }

    private CompletableFuture<Void> withFailover(Function<Producer, CompletableFuture<Void>> op) {
        return attempt(op, pick(), 0);
    }

    /** The next connected producer round-robin, or simply the next one if none is connected. */
    private int pick() {
        int n = producers.size();
        int start = Math.floorMod(next.getAndIncrement(), n);
        for (int i = 0; i < n; i++) {
            int idx = (start + i) % n;
            if (producers.get(idx).isConnected()) {
                return idx;
            }
        }
        return start;
    }

    private CompletableFuture<Void> attempt(Function<Producer, CompletableFuture<Void>> op, int idx, int tries) {
        int n = producers.size();
        return op.apply(producers.get(idx)).handle((v, e) -> {
            if (e == null) {
                return CompletableFuture.<Void>completedFuture(null);
            }
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (tries + 1 < n && retryable(cause)) {
                return attempt(op, nextConnected(idx), tries + 1);
            }
            return CompletableFuture.<Void>failedFuture(cause);
        }).thenCompose(f -> f);
    }

    private int nextConnected(int after) {
        int n = producers.size();
        for (int i = 1; i < n; i++) {
            int idx = (after + i) % n;
            if (producers.get(idx).isConnected()) {
                return idx;
            }
        }
        return (after + 1) % n;
    }

    private static boolean retryable(Throwable e) {
        if (e instanceof ConnectionLostException || e instanceof BufferFullException) {
            return true;
        }
        if (e instanceof NsqErrorException ne) {
            String c = ne.code();
            return c.equals(ErrorCodes.E_PUB_FAILED) || c.equals(ErrorCodes.E_MPUB_FAILED)
                    || c.equals(ErrorCodes.E_DPUB_FAILED);
        }
        return false;
    }
}
