package io.nodeq.client.impl;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The messages of one socket read (or a worker's share of them) run one after the other on a
 * worker. A FIN or REQ that a handler gives on the worker while the batch runs is encoded right
 * there and collected; the collected responses go to the consumer's context together, as one
 * {@link Responses}, at the end or every {@link #FLUSH_NANOS} / {@link #FLUSH_COUNT} messages so a
 * slow handler does not hold back the answers before it. Responses given on any other thread, or
 * after the batch ended, take the single-{@link Ack} path.
 *
 * <p>Built on the consumer's context, then owned by the worker that runs it; {@link #collects()}
 * may be called from any thread.
 */
final class HandlerBatch implements Runnable {
    private static final long FLUSH_NANOS = 2_000_000L;
    private static final int FLUSH_COUNT = 64;
    private static final byte[] FIN = "FIN ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] REQ = "REQ ".getBytes(StandardCharsets.US_ASCII);
    private static final int FIN_LENGTH = 4 + 16 + 1;

    /** Responses collected by a batch, applied by the consumer's context in one go. */
    record Responses(ConsumerConnection conn, ClientMessage[] messages, byte[] signals, int count,
                     byte[] commands, int length, int finished, int requeued) {
    }

    private final ConsumerEngine engine;
    private final ConsumerConnection conn;
    private final ClientMessage[] messages;
    /** The worker while {@link #run} runs, else null; written by that worker only. */
    private volatile Thread runner;

    private ClientMessage[] done;
    private byte[] signals;
    private int count;
    private byte[] commands;
    private int length;
    private int finished;
    private int requeued;

    HandlerBatch(ConsumerEngine engine, ConsumerConnection conn, ClientMessage[] messages) {
        this.engine = engine;
        this.conn = conn;
        this.messages = messages;
        for (ClientMessage m : messages) {
            m.batch = this;
        }
    }

    @Override
    public void run() {
        runner = Thread.currentThread();
        try {
            long lastFlush = System.nanoTime();
            int sinceFlush = 0;
            for (ClientMessage m : messages) {
                engine.runHandler(m);
                sinceFlush++;
                long now = System.nanoTime();
                if (sinceFlush >= FLUSH_COUNT || now - lastFlush >= FLUSH_NANOS) {
                    flush();
                    lastFlush = now;
                    sinceFlush = 0;
                }
            }
        } finally {
            runner = null;
            flush();
        }
    }

    /** Whether a response given now, on this thread, belongs in this batch. */
    boolean collects() {
        return runner == Thread.currentThread();
    }

    /** On the worker, while {@link #collects()}: encodes a FIN or REQ for {@code m}. */
    void add(ClientMessage m, byte op, long delayMs, byte signal) {
        if (done == null) {
            int capacity = Math.min(FLUSH_COUNT, messages.length);
            done = new ClientMessage[capacity];
            signals = new byte[capacity];
            commands = new byte[capacity * FIN_LENGTH];
        } else if (count == done.length) {
            done = Arrays.copyOf(done, count * 2);
            signals = Arrays.copyOf(signals, count * 2);
        }
        done[count] = m;
        signals[count] = signal;
        count++;
        byte[] id = m.msg.id();
        if (op == Ack.FIN) {
            ensure(FIN_LENGTH);
            put(FIN);
            put(id);
            commands[length++] = '\n';
            finished++;
        } else {
            byte[] delay = Long.toString(Math.max(0, delayMs)).getBytes(StandardCharsets.US_ASCII);
            ensure(FIN_LENGTH + 1 + delay.length);
            put(REQ);
            put(id);
            commands[length++] = ' ';
            put(delay);
            commands[length++] = '\n';
            requeued++;
        }
    }

    private void ensure(int n) {
        if (length + n > commands.length) {
            commands = Arrays.copyOf(commands, Math.max(commands.length * 2, length + n));
        }
    }

    private void put(byte[] b) {
        System.arraycopy(b, 0, commands, length, b.length);
        length += b.length;
    }

    private void flush() {
        if (count == 0) {
            return;
        }
        engine.responded(new Responses(conn, done, signals, count, commands, length, finished, requeued));
        done = null;
        signals = null;
        commands = null;
        count = 0;
        length = 0;
        finished = 0;
        requeued = 0;
    }
}
