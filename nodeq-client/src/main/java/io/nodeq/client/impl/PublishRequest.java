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

    /** The header block of a message without headers, as a nodeq_headers connection sends it. */
    static final byte[] NO_HEADERS = new byte[2];

    final Kind kind;
    final String topic;
    final byte[] body;
    /** The encoded header block (PUB/DPUB), or null when the message has no headers. */
    final byte[] block;
    final List<byte[]> bodies;
    final long deferMs;
    final CompletableFuture<Void> future = new CompletableFuture<>();
    private final int cost;

    private PublishRequest(Kind kind, String topic, byte[] body, byte[] block, List<byte[]> bodies, long deferMs,
                           int cost) {
        this.kind = kind;
        this.topic = topic;
        this.body = body;
        this.block = block;
        this.bodies = bodies;
        this.deferMs = deferMs;
        this.cost = cost;
    }

    public static PublishRequest pub(String topic, byte[] body) {
        return pub(topic, null, body);
    }

    /** {@code block}: the message's encoded headers, null for none. */
    public static PublishRequest pub(String topic, byte[] block, byte[] body) {
        return new PublishRequest(Kind.PUB, topic, body, block, null, 0, size(block, body) + OVERHEAD);
    }

    public static PublishRequest dpub(String topic, long deferMs, byte[] body) {
        return dpub(topic, deferMs, null, body);
    }

    public static PublishRequest dpub(String topic, long deferMs, byte[] block, byte[] body) {
        return new PublishRequest(Kind.DPUB, topic, body, block, null, deferMs, size(block, body) + OVERHEAD);
    }

    private static int size(byte[] block, byte[] body) {
        return (block == null ? 0 : block.length) + body.length;
    }

    public static PublishRequest mpub(String topic, List<byte[]> bodies) {
        long c = 0;
        for (byte[] b : bodies) {
            c += b.length + OVERHEAD;
        }
        return new PublishRequest(Kind.MPUB, topic, null, null, bodies, 0, (int) Math.min(Integer.MAX_VALUE, c));
    }

    public CompletableFuture<Void> future() {
        return future;
    }

    /** Whether this publish carries headers, which only a nodeq_headers connection can send. */
    boolean hasHeaders() {
        return block != null;
    }

    /** The block this message goes out with on a nodeq_headers connection. */
    byte[] blockOrEmpty() {
        return block == null ? NO_HEADERS : block;
    }

    /**
     * Writes the command; {@code headersMode}: the connection negotiated nodeq_headers, so every
     * body starts with a header block ({@code 00 00} when the message has none).
     */
    void encode(Buffer out, boolean headersMode) {
        if (!headersMode) {
            switch (kind) {
                case PUB -> Commands.pub(out, topic, body);
                case DPUB -> Commands.dpub(out, topic, deferMs, body);
                case MPUB -> Commands.mpub(out, topic, bodies);
                default -> throw new IllegalStateException();
            }
            return;
        }
        switch (kind) {
            case PUB -> Commands.pub(out, topic, blockOrEmpty(), body);
            case DPUB -> Commands.dpub(out, topic, deferMs, blockOrEmpty(), body);
            case MPUB -> Commands.mpub(out, topic, java.util.Collections.nCopies(bodies.size(), NO_HEADERS), bodies);
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
