package io.nodeq.client.impl;

import io.nodeq.client.Message;
import io.nodeq.client.NsqAddress;
import io.nodeq.protocol.Headers;
import io.nodeq.protocol.NsqMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * A delivered message with its connection. Fields are final except the responded flag (CAS), the
 * handler batch (set before the batch is handed over) and the last-touch time (written by the
 * consumer's context only).
 */
public final class ClientMessage implements Message {
    private static final Logger LOG = LoggerFactory.getLogger(ClientMessage.class);
    private static final AtomicIntegerFieldUpdater<ClientMessage> RESPONDED =
            AtomicIntegerFieldUpdater.newUpdater(ClientMessage.class, "responded");

    final ConsumerEngine engine;
    final ConsumerConnection conn;
    final NsqMessage msg;
    private final Headers headers;
    /** The payload: the frame's body after the header block on a nodeq_headers connection. */
    private final byte[] body;
    private volatile int responded;
    /** Context-owned: when the message was delivered or last touched (ms). */
    long lastTouchMs;
    /** The handler batch it runs in; set on the context before the batch is handed to a worker. */
    HandlerBatch batch;

    /**
     * {@code headersMode}: the connection negotiated nodeq_headers, so the frame's body is a header
     * block then the payload. A block that does not parse (a daemon bug) is left in the body.
     */
    ClientMessage(ConsumerEngine engine, ConsumerConnection conn, NsqMessage msg, boolean headersMode) {
        this.engine = engine;
        this.conn = conn;
        this.msg = msg;
        byte[] raw = msg.body();
        int block = 0;
        if (headersMode) {
            try {
                block = Headers.blockLength(raw, 0, raw.length);
            } catch (IllegalArgumentException e) {
                LOG.warn("message {} from {}: bad header block ({}); delivered as it came", msg.idString(),
                        conn.address(), e.getMessage());
            }
        }
        this.headers = block > 2 ? Headers.decode(raw, 0) : Headers.NONE;
        this.body = block == 0 ? raw : Arrays.copyOfRange(raw, block, raw.length);
    }

    @Override
    public byte[] body() {
        return body;
    }

    @Override
    public Headers headers() {
        return headers;
    }

    @Override
    public String bodyAsString() {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public String id() {
        return msg.idString();
    }

    @Override
    public int attempts() {
        return msg.attempts();
    }

    @Override
    public long timestampNanos() {
        return msg.timestampNs();
    }

    @Override
    public NsqAddress daemon() {
        return conn.address();
    }

    @Override
    public void finish() {
        if (claim()) {
            engine.respond(this, Ack.FIN, 0, Ack.SUCCESS);
        }
    }

    @Override
    public void requeue() {
        requeue(engine.defaultRequeueDelay(attempts()));
    }

    @Override
    public void requeue(Duration delay) {
        if (claim()) {
            engine.respond(this, Ack.REQ, Math.max(0, delay.toMillis()), Ack.FAILURE);
        }
    }

    @Override
    public void requeueWithoutBackoff(Duration delay) {
        if (claim()) {
            engine.respond(this, Ack.REQ, Math.max(0, delay.toMillis()), Ack.NONE);
        }
    }

    /** FIN without a backoff signal: the message is being given up on. */
    void finishGivenUp() {
        if (claim()) {
            engine.respond(this, Ack.FIN, 0, Ack.GAVE_UP);
        }
    }

    @Override
    public void touch() {
        if (responded == 0) {
            engine.touch(this);
        }
    }

    @Override
    public boolean isResponded() {
        return responded != 0;
    }

    private boolean claim() {
        return RESPONDED.compareAndSet(this, 0, 1);
    }

    @Override
    public String toString() {
        return "Message[" + id() + " attempts=" + attempts() + " from " + daemon() + "]";
    }
}
