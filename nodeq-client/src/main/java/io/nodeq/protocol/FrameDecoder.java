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
    private Buffer buf;
    private int pos;
    private boolean failed;

    public FrameDecoder(int maxFrameSize, Sink sink) {
        this.maxFrameSize = maxFrameSize;
        this.sink = sink;
    }

    @Override
    public void handle(Buffer chunk) {
        if (failed || chunk.length() == 0) {
            return;
        }
        if (buf == null || pos >= buf.length()) {
            buf = chunk;
            pos = 0;
        } else {
            int rest = buf.length() - pos;
            buf = Buffer.buffer(rest + chunk.length()).appendBuffer(buf, pos, rest).appendBuffer(chunk);
            pos = 0;
        }
        while (!failed && buf != null && buf.length() - pos >= 4) {
            int size = buf.getInt(pos);
            if (size < 4 || size > maxFrameSize) {
                fail("invalid frame size " + size);
                return;
            }
            if (buf.length() - pos - 4 < size) {
                break;
            }
            int type = buf.getInt(pos + 4);
            int start = pos + 8;
            int end = pos + 4 + size;
            pos = end;
            switch (type) {
                case Frames.FRAME_TYPE_RESPONSE -> sink.response(buf.getBytes(start, end));
                case Frames.FRAME_TYPE_ERROR -> sink.error(buf.getString(start, end, "UTF-8"));
                case Frames.FRAME_TYPE_MESSAGE -> {
                    if (end - start < Frames.MESSAGE_HEADER_SIZE) {
                        fail("message frame too short: " + (end - start));
                        return;
                    }
                    long ts = buf.getLong(start);
                    int attempts = buf.getUnsignedShort(start + 8);
                    byte[] id = buf.getBytes(start + 10, start + 26);
                    byte[] body = buf.getBytes(start + 26, end);
                    sink.message(new NsqMessage(ts, attempts, id, body));
                }
                default -> {
                    fail("unknown frame type " + type);
                    return;
                }
            }
        }
        if (buf != null && pos >= buf.length()) {
            buf = null;
            pos = 0;
        }
    }

    private void fail(String reason) {
        failed = true;
        buf = null;
        sink.failure(reason);
    }

}
