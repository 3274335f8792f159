package io.nodeq.daemon.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;

/**
 * A consumer connection's output buffer: the client's IDENTIFY {@code output_buffer_size} and
 * {@code output_buffer_timeout} as limits, not as a hold.
 *
 * <p>nsqd keeps message frames in a buffer of {@code output_buffer_size} bytes and flushes it when
 * it is full, when the client has no RDY left, or when {@code output_buffer_timeout} (250 ms by
 * default) has passed: at a steady trickle to a consumer with a large RDY, a message can wait the
 * whole timeout. Here the frames that shards hand to the connection within one pass of its event
 * loop are held and written together, in one gathering write, once the tasks queued behind the
 * first of them have run: at most {@code output_buffer_size} bytes are held (reaching it writes at
 * once), and no frame waits for a timer, so the timeout is an upper bound that is always met.
 * {@code output_buffer_size=-1} (a limit of 1 byte) writes each delivery as it comes.
 *
 * <p>Owned by the connection's event loop; every method runs there.
 */
final class OutputBuffer {
    /** Where held frames go; both run on the connection's event loop. */
    interface Sink {
        /** Writes and flushes {@code bytes}, taking over its reference. */
        void write(ByteBuf bytes);

        /** Runs {@code task} on the connection's event loop after the tasks queued there already. */
        void schedule(Runnable task);
    }

    /** Components of one gathering write before Netty would copy them into one buffer. */
    private static final int MAX_COMPONENTS = 1024;
    /** nsqd's default {@code output_buffer_size}, used until IDENTIFY says otherwise. */
    static final int DEFAULT_LIMIT = 16 * 1024;

    private final Sink sink;
    private final Runnable scheduledFlush = this::scheduledFlush;
    private int limit = DEFAULT_LIMIT;
    /** The one held buffer, or null; a second one makes {@link #composite} hold both. */
    private ByteBuf single;
    private CompositeByteBuf composite;
    private int heldBytes;
    private boolean scheduled;
    private long writes;

    OutputBuffer(Sink sink) {
        this.sink = sink;
    }

    /** The client's output_buffer_size in bytes; 1 or less writes every delivery at once. */
    void limit(int bytes) {
        limit = bytes;
        if (heldBytes >= limit) {
            flush();
        }
    }

    /** Takes over {@code frames} (message frames); writes now or before the event loop's next pass. */
    void add(ByteBuf frames) {
        int n = frames.readableBytes();
        if (single == null && composite == null) {
            single = frames;
        } else {
            if (composite == null) {
                composite = single.alloc().compositeDirectBuffer(MAX_COMPONENTS);
                composite.addComponent(true, single);
                single = null;
            }
            composite.addComponent(true, frames);
        }
        heldBytes += n;
        if (heldBytes >= limit) {
            flush();
        } else if (!scheduled) {
            scheduled = true;
            sink.schedule(scheduledFlush);
        }
    }

    /** Writes what is held (before anything else the connection writes, so frames keep their order). */
    void flush() {
        ByteBuf out = single != null ? single : composite;
        if (out == null) {
            return;
        }
        single = null;
        composite = null;
        heldBytes = 0;
        writes++;
        sink.write(out);
    }

    /** Releases what is held without writing it (the connection is closed). */
    void discard() {
        ByteBuf out = single != null ? single : composite;
        single = null;
        composite = null;
        heldBytes = 0;
        if (out != null) {
            out.release();
        }
    }

    /** Bytes held now. */
    int held() {
        return heldBytes;
    }

    /** Writes made so far (one per flush that had something to write). */
    long writes() {
        return writes;
    }

    private void scheduledFlush() {
        scheduled = false;
        flush();
    }
}
