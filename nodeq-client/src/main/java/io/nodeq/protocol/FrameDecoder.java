package io.nodeq.protocol;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;


/**
 * Decodes the server-to-client half of protocol V2: {@code [int32 size][int32 type][data]} frames
 * (see {@link Frames}). A pure state machine for any split of the input; used by clients, tools
 * and tests.
 *
 * <p>Owned by the connection's thread; not thread-safe.
 */
public final class FrameDecoder implements Handler<Buffer> {

    /** Receives frames in wire order. */
    public interface Sink {
        void response(byte[] data);

        void error(String text);

        void message(NsqMessage message);

        /** The stream is broken (bad size or type); the connection must be closed. */
        void failure(String reason);
    }

    private final int maxFrameSize;
    private final Sink sink;
    /** The start of a frame that the last chunk cut off, or null; its bytes only, never a whole chunk. */
    private Buffer partial;
    private boolean failed;
    private boolean detach;
    private Buffer detached;

    public FrameDecoder(int maxFrameSize, Sink sink) {
        this.maxFrameSize = maxFrameSize;
        this.sink = sink;
    }

    /**
     * Called from a sink callback: stop after the current frame and keep the bytes that follow it
     * for {@link #takeDetached()}. An IDENTIFY reply that switches compression on is followed by
     * compressed bytes, which must go through the decompressor before they are frames again.
     */
    public void detachAfterCurrentFrame() {
        detach = true;
    }

    /** The bytes kept by {@link #detachAfterCurrentFrame()} (maybe empty), or null if none were. */
    public Buffer takeDetached() {
        Buffer d = detached;
        detached = null;
        return d;
    }

    @Override
    public void handle(Buffer chunk) {
        if (failed) {
            return;
        }
        int pos = partial == null ? 0 : completePartial(chunk);
        if (pos < 0) {
            return;
        }
        int length = chunk.length();
        while (length - pos >= 4) {
            int size = chunk.getInt(pos);
            if (!validSize(size)) {
                return;
            }
            if (length - pos - 4 < size) {
                break;
            }
            if (!frame(chunk, pos, pos + 4 + size)) {
                return;
            }
            pos += 4 + size;
            if (detach) {
                detach = false;
                detached = chunk.getBuffer(pos, length);
                return;
            }
        }
        if (pos < length) {
            // keep only the cut-off frame's bytes; the next chunk completes it
            int rest = length - pos;
            int expected = rest >= 4 ? 4 + chunk.getInt(pos) : rest;
            partial = Buffer.buffer(Math.max(rest, expected)).appendBuffer(chunk, pos, rest);
        }
    }

    /**
     * Moves bytes from the head of {@code chunk} into {@link #partial} until its frame is whole, and
     * decodes it. Returns where the chunk's own frames start, or -1 if it was used up (or failed).
     */
    private int completePartial(Buffer chunk) {
        int pos = 0;
        int length = chunk.length();
        if (partial.length() < 4) {
            int take = Math.min(4 - partial.length(), length);
            partial.appendBuffer(chunk, 0, take);
            pos = take;
            if (partial.length() < 4) {
                return -1;
            }
            if (!validSize(partial.getInt(0))) {
                return -1;
            }
        }
        int total = 4 + partial.getInt(0);
        int take = Math.min(total - partial.length(), length - pos);
        partial.appendBuffer(chunk, pos, take);
        pos += take;
        if (partial.length() < total) {
            return -1;
        }
        Buffer whole = partial;
        partial = null;
        if (!frame(whole, 0, total)) {
            return -1;
        }
        if (detach) {
            detach = false;
            detached = chunk.getBuffer(pos, length);
            return -1;
        }
        return pos;
    }

    private boolean validSize(int size) {
        if (size < 4 || size > maxFrameSize) {
            fail("invalid frame size " + size);
            return false;
        }
        return true;
    }

    /** Decodes the frame in {@code buf[from, end)}; false if the stream is broken. */
    private boolean frame(Buffer buf, int from, int end) {
        int type = buf.getInt(from + 4);
        int start = from + 8;
        switch (type) {
            case Frames.FRAME_TYPE_RESPONSE -> sink.response(buf.getBytes(start, end));
            case Frames.FRAME_TYPE_ERROR -> sink.error(buf.getString(start, end, "UTF-8"));
            case Frames.FRAME_TYPE_MESSAGE -> {
                if (end - start < Frames.MESSAGE_HEADER_SIZE) {
                    fail("message frame too short: " + (end - start));
                    return false;
                }
                long ts = buf.getLong(start);
                int attempts = buf.getUnsignedShort(start + 8);
                byte[] id = buf.getBytes(start + 10, start + 26);
                byte[] body = buf.getBytes(start + 26, end);
                sink.message(new NsqMessage(ts, attempts, id, body));
            }
            default -> {
                fail("unknown frame type " + type);
                return false;
            }
        }
        return !failed;
    }

    private void fail(String reason) {
        failed = true;
        partial = null;
        sink.failure(reason);
    }

}
