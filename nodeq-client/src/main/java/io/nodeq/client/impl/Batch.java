package io.nodeq.client.impl;

import io.nodeq.protocol.Commands;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;

/**
 * Single publishes to one topic gathered into one MPUB. Owned by the producer's context; once
 * written it waits in the reply FIFO and completes every gathered future with the MPUB's answer.
 */
final class Batch implements Pending {
    final String topic;
    private final List<byte[]> bodies;
    private final List<PublishRequest> requests;
    private int bytes;
    private int cost;
    private boolean withHeaders;

    /** {@code expected}: the messages it will likely hold, so its lists do not grow message by message. */
    Batch(String topic, int expected) {
        this.topic = topic;
        int capacity = Math.max(1, Math.min(expected, 1024));
        this.bodies = new ArrayList<>(capacity);
        this.requests = new ArrayList<>(capacity);
    }

    void add(PublishRequest r) {
        bodies.add(r.body);
        requests.add(r);
        bytes += r.body.length + (r.block == null ? 0 : r.block.length);
        cost += r.cost();
        withHeaders |= r.hasHeaders();
    }

    /** Whether a publish in it carries headers (it can go only to a nodeq_headers connection). */
    boolean hasHeaders() {
        return withHeaders;
    }

    int size() {
        return bodies.size();
    }

    int bytes() {
        return bytes;
    }

    /** {@code headersMode}: the connection negotiated nodeq_headers (see {@link PublishRequest#encode}). */
    void encode(Buffer out, boolean headersMode) {
        if (bodies.size() == 1) {
            requests.get(0).encode(out, headersMode);
        } else if (!headersMode) {
            Commands.mpub(out, topic, bodies);
        } else {
            List<byte[]> blocks = new ArrayList<>(requests.size());
            for (PublishRequest r : requests) {
                blocks.add(r.blockOrEmpty());
            }
            Commands.mpub(out, topic, blocks, bodies);
        }
    }

    /** Rough encoded size, to size the output buffer. */
    int encodedSize() {
        return bytes + 6 * bodies.size() + topic.length() + 16;
    }

    @Override
    public void succeed() {
        for (PublishRequest r : requests) {
            r.succeed();
        }
    }

    @Override
    public void fail(Throwable cause) {
        for (PublishRequest r : requests) {
            r.fail(cause);
        }
    }

    @Override
    public int cost() {
        return cost;
    }

    @Override
    public int messageCount() {
        return bodies.size();
    }
}
