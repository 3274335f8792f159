package io.nodeq.client.impl;

import io.nodeq.protocol.Commands;
import io.vertx.core.buffer.Buffer;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One call to publish: PUB, MPUB or DPUB with its future. Created by the calling thread, handed to
 * the producer's context through a queue, never mutated after.
 */
public final class PublishRequest implements Pending {
    /** Budget charged per message beyond its body, so many tiny messages are bounded too. */
    public static final int OVERHEAD = 64;

    enum Kind { PUB, MPUB, DPUB }

    final Kind kind;
    final String topic;
    final byte[] body;
    final List<byte[]> bodies;
    final long deferMs;
    final CompletableFuture<Void> future = new CompletableFuture<>();
    private final int cost;

    private PublishRequest(Kind kind, String topic, byte[] body, List<byte[]> bodies, long deferMs, int cost) {
        this.kind = kind;
        this.topic = topic;
        this.body = body;
        this.bodies = bodies;
        this.deferMs = deferMs;
        this.cost = cost;
    }

    public static PublishRequest pub(String topic, byte[] body) {
        return new PublishRequest(Kind.PUB, topic, body, null, 0, body.length + OVERHEAD);
    }

    public static PublishRequest dpub(String topic, long deferMs, byte[] body) {
        return new PublishRequest(Kind.DPUB, topic, body, null, deferMs, body.length + OVERHEAD);
    }

    public static PublishRequest mpub(String topic, List<byte[]> bodies) {
        long c = 0;
        for (byte[] b : bodies) {
            c += b.length + OVERHEAD;
        }
        return new PublishRequest(Kind.MPUB, topic, null, bodies, 0, (int) Math.min(Integer.MAX_VALUE, c));
    }

    public CompletableFuture<Void> future() {
        return future;
    }

    void encode(Buffer out) {
        switch (kind) {
            case PUB -> Commands.pub(out, topic, body);
            case DPUB -> Commands.dpub(out, topic, deferMs, body);
            case MPUB -> Commands.mpub(out, topic, bodies);
            default -> throw new IllegalStateException();
        }
    }

    @Override
    public void succeed() {
        future.complete(null);
    }

    @Override
    public void fail(Throwable cause) {
        future.completeExceptionally(cause);
    }

    @Override
    public int cost() {
        return cost;
    }

    @Override
    public int messageCount() {
        return kind == Kind.MPUB ? bodies.size() : 1;
    }
}
