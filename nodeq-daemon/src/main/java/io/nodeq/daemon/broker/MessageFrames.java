package io.nodeq.daemon.broker;

import io.netty.buffer.ByteBuf;
import io.nodeq.protocol.Frames;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * Cuts the message frame a consumer gets from a message's stored body, without copying the body
 * first (PROTOCOL-EXTENSIONS.md, message headers): the body goes from its slab (or read batch)
 * straight into the outgoing buffer, one copy, direct memory to direct memory.
 *
 * <pre>
 *   stored body (headerLength &gt; 0):  | H (u16) | entries | payload |
 *   stored body (headerLength = 0):  | payload |
 *
 *   frame body, plain consumer:      | payload |                         (NSQ's frame, always)
 *   frame body, headers consumer:    | H | entries | payload |  or  | 00 00 | payload |
 * </pre>
 *
 * Stateless.
 */
final class MessageFrames {
    /** The header block of a message without headers: H = 0. */
    private static final byte[] EMPTY_BLOCK = new byte[2];

    private MessageFrames() {
    }

    /** Appends {@code m}'s frame for a consumer that did ({@code headers}) or did not negotiate headers. */
    static void append(Buffer out, Message m, boolean headers) {
        ByteBuf dst = ((BufferInternal) out).unwrap();
        if (!headers) {
            Frames.appendMessageHeader(out, m.bodyLength - m.headerLength, m.timestampNs, m.attempts, m.id);
            FrameBuffers.append(dst, m.data, m.bodyOffset + m.headerLength, m.bodyLength - m.headerLength);
        } else if (m.headerLength > 0) {
            Frames.appendMessageHeader(out, m.bodyLength, m.timestampNs, m.attempts, m.id);
            FrameBuffers.append(dst, m.data, m.bodyOffset, m.bodyLength);
        } else {
            Frames.appendMessageHeader(out, EMPTY_BLOCK.length + m.bodyLength, m.timestampNs, m.attempts, m.id);
            dst.writeBytes(EMPTY_BLOCK);
            FrameBuffers.append(dst, m.data, m.bodyOffset, m.bodyLength);
        }
    }
}
