package io.nodeq.client.impl;

/**
 * The messages of one socket read (or a share of them) run one after the other on a worker. Their
 * FIN/REQ leave together, at the end or every {@link #FLUSH_NANOS} / {@link #FLUSH_COUNT} so a slow
 * handler does not hold back the answers of the messages before it.
 */
final class HandlerBatch implements Runnable {
    private static final long FLUSH_NANOS = 2_000_000L;
    private static final int FLUSH_COUNT = 256;

    private final ConsumerEngine engine;
    private final ClientMessage[] messages;

    HandlerBatch(ConsumerEngine engine, ClientMessage[] messages) {
        this.engine = engine;
        this.messages = messages;
    }

    @Override
    public void run() {
        engine.beginBatch();
        try {
            long lastFlush = System.nanoTime();
            int sinceFlush = 0;
            for (ClientMessage m : messages) {
                engine.runHandler(m);
                sinceFlush++;
                long now = System.nanoTime();
                if (sinceFlush >= FLUSH_COUNT || now - lastFlush >= FLUSH_NANOS) {
                    engine.flushBatch(false);
                    lastFlush = now;
                    sinceFlush = 0;
                }
            }
        } finally {
            engine.flushBatch(true);
        }
    }
}
