package io.nodeq.client.impl;

/**
 * The messages of one socket read (or a worker's share of them) run one after the other on a
 * worker. A FIN or REQ that a handler gives on the worker while the batch runs is encoded right
 * there; the gathered {@link Responses} go to the consumer's context together, at the end or every
 * {@link #FLUSH_NANOS} / {@link #FLUSH_COUNT} messages so a slow handler does not hold back the
 * answers before it. Responses given on any other thread, or after the batch ended, go on their own.
 *
 * <p>Built on the consumer's context, then owned by the worker that runs it; {@link #collects()}
 * may be called from any thread.
 */
final class HandlerBatch implements Runnable {
    private static final long FLUSH_NANOS = 2_000_000L;
    private static final int FLUSH_COUNT = 64;

    private final ConsumerEngine engine;
    private final ClientMessage[] messages;
    private final Responses.Builder responses;
    /** The worker while {@link #run} runs, else null; written by that worker only. */
    private volatile Thread runner;

    HandlerBatch(ConsumerEngine engine, ConsumerConnection conn, ClientMessage[] messages) {
        this.engine = engine;
        this.messages = messages;
        this.responses = new Responses.Builder(conn, Math.min(FLUSH_COUNT, messages.length));
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

    /** On the worker, while {@link #collects()}: a FIN or REQ for {@code m}. */
    void add(ClientMessage m, byte op, long delayMs, byte signal) {
        responses.add(m, op, delayMs, signal);
    }

    private void flush() {
        if (!responses.isEmpty()) {
            engine.responded(responses.take());
        }
    }
}
