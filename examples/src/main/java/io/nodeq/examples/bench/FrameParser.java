package io.nodeq.examples.bench;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Cuts nsqd's server frames out of a receive buffer in place, without copying or allocating
 * (nsq-protocol.md §1.3, §1.4). Stateless: a partial frame simply stays in the buffer until more
 * bytes arrive, so the caller reads, {@code flip()}s, calls {@link #next} until it returns false,
 * then {@code compact()}s. Used by one connection's thread.
 *
 * <pre>
 * [int32 size][int32 frameType][data: size - 4 bytes]      size counts type + data
 * frameType 0 response, 1 error, 2 message:
 *   [int64 timestamp ns][uint16 attempts][16-byte id][body]
 * </pre>
 */
final class FrameParser {
    static final int FRAME_RESPONSE = 0;
    static final int FRAME_ERROR = 1;
    static final int FRAME_MESSAGE = 2;
    static final int MESSAGE_HEADER = 8 + 2 + 16;

    /** Receives frames; offsets are absolute indexes into the buffer, valid only during the call. */
    interface Handler {
        void response(ByteBuffer buf, int offset, int length) throws IOException;

        void error(ByteBuffer buf, int offset, int length) throws IOException;

        /** {@code offset} is the timestamp; attempts at +8, id at +10, body at +26. */
        void message(ByteBuffer buf, int offset, int length) throws IOException;
    }

    private final int maxFrameSize;

    /** @param maxFrameSize largest accepted {@code size} field: guards memory against a garbage length */
    FrameParser(int maxFrameSize) {
        this.maxFrameSize = maxFrameSize;
    }

    /**
     * If a complete frame starts at {@code buf.position()}, hands it to {@code handler}, moves the
     * position past it and returns true; otherwise returns false and leaves the buffer as it was.
     *
     * @throws IllegalStateException on a size or frame type nsqd never sends (the stream is lost)
     * @throws IOException          from the handler
     */
    boolean next(ByteBuffer buf, Handler handler) throws IOException {
        int pos = buf.position();
        int available = buf.limit() - pos;
        if (available < 4) {
            return false;
        }
        int size = buf.getInt(pos);
        if (size < 4 || size > maxFrameSize) {
            throw new IllegalStateException("bad frame size " + size);
        }
        if (available < 8) {
            return false;
        }
        int type = buf.getInt(pos + 4);
        if (type < FRAME_RESPONSE || type > FRAME_MESSAGE) {
            throw new IllegalStateException("bad frame type " + type);
        }
        if (type == FRAME_MESSAGE && size - 4 < MESSAGE_HEADER) {
            throw new IllegalStateException("message frame of size " + size + " is shorter than its header");
        }
        if (available < 4 + size) {
            return false;
        }
        buf.position(pos + 4 + size);
        switch (type) {
            case FRAME_RESPONSE -> handler.response(buf, pos + 8, size - 4);
            case FRAME_ERROR -> handler.error(buf, pos + 8, size - 4);
            default -> handler.message(buf, pos + 8, size - 4);
        }
        return true;
    }

    /** How many bytes from {@code buf.position()} the next frame needs, so the caller can grow its buffer. */
    static int pendingFrameLength(ByteBuffer buf) {
        int available = buf.limit() - buf.position();
        return available < 4 ? 8 : 4 + buf.getInt(buf.position());
    }

    /** True if the {@code length} bytes at {@code offset} are exactly the ASCII {@code text}. */
    static boolean equalsAscii(ByteBuffer buf, int offset, int length, String text) {
        if (length != text.length()) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (buf.get(offset + i) != (byte) text.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    static String ascii(ByteBuffer buf, int offset, int length) {
        byte[] b = new byte[length];
        buf.get(offset, b);
        return new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }
}
