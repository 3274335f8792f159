package io.nodeq.daemon.tcp;

import io.netty.buffer.ByteBuf;
import io.nodeq.daemon.broker.FrameBuffers;

/**
 * A consumer connection's output buffer: the client's IDENTIFY {@code output_buffer_size} and
 * {@code output_buffer_timeout} as limits, not as a hold.
 *
 * <p>nsqd keeps message frames in a buffer of {@code output_buffer_size} bytes and flushes it when
 * it is full, when the client has no RDY left, or when {@code output_buffer_timeout} (250 ms by
 * default) has passed: at a steady trickle to a consumer with a large RDY, a message can wait the
 * whole timeout. Here a delivery is written at once when nothing else waits on the connection's
 * event loop (a lone message pays no extra hop); when other tasks wait there (a busy loop, where
 * more deliveries to this connection may be among them), it is held and written together with
 * what arrives meanwhile, in one write, once those tasks have run: at most {@code output_buffer_size}
 * bytes are held (reaching it writes at once), and no frame waits for a timer, so the timeout is an
 * upper bound that is always met (Netty's flush consolidation, applied to deliveries).
 * Frames held together are copied into one pooled buffer of the client's size: a composite buffer
 * would cost a {@code java.nio} view per part on every write (Netty's epoll write of a composite),
 * where the copy is a few hundred bytes per message, memory to memory ({@link FrameBuffers}).
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

        /** Whether tasks wait on the connection's event loop behind the one running now. */
        boolean othersQueued();
    }

    /** nsqd's default {@code output_buffer_size}, used until IDENTIFY says otherwise. */
    static final int DEFAULT_LIMIT = 16 * 1024;

    private final Sink sink;
    private final Runnable scheduledFlush = this::scheduledFlush;
    private int limit = DEFAULT_LIMIT;
    /** The one held buffer as it came, or null; a second one is copied with it into {@link #gathered}. */
    private ByteBuf single;
    private ByteBuf gathered;
    private int heldBytes;
    private boolean scheduled;

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
        if (heldBytes > 0 && heldBytes + n > limit) {
            flush(); // what is held goes first, and alone: it is full enough
        }
        if (heldBytes == 0) {
            single = frames;
        } else {
            if (gathered == null) {
                gathered = FrameBuffers.direct(Math.max(limit, heldBytes + n));
                FrameBuffers.append(gathered, single);
                single.release();
                single = null;
            }
            FrameBuffers.append(gathered, frames);
            frames.release();
        }
        heldBytes += n;
        if (heldBytes >= limit || (!scheduled && !sink.othersQueued())) {
            flush();
        } else if (!scheduled) {
            scheduled = true;
            sink.schedule(scheduledFlush);
        }
    }

    /** Writes what is held (before anything else the connection writes, so frames keep their order). */
    void flush() {
        ByteBuf out = single != null ? single : gathered;
        if (out == null) {
            return;
        }
        single = null;
        gathered = null;
        heldBytes = 0;
        sink.write(out);
    }

    /** Releases what is held without writing it (the connection is closed). */
    void discard() {
        ByteBuf out = single != null ? single : gathered;
        single = null;
        gathered = null;
        heldBytes = 0;
        if (out != null) {
            out.release();
        }
    }

    /** Bytes held now. */
    int held() {
        return heldBytes;
    }

    private void scheduledFlush() {
        scheduled = false;
        flush();
    }
}
