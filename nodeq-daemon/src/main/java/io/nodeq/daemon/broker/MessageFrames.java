package io.nodeq.daemon.broker;

import io.nodeq.protocol.Frames;
import io.vertx.core.buffer.Buffer;

/**
 * Cuts the message frame a consumer gets from a message's stored body, without copying the body
 * first (PROTOCOL-EXTENSIONS.md, message headers):
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
        if (!headers) {
            Frames.appendMessage(out, m.timestampNs, m.attempts, m.id, m.data, m.bodyOffset + m.headerLength,
                    m.bodyLength - m.headerLength);
        } else if (m.headerLength > 0) {
            Frames.appendMessage(out, m.timestampNs, m.attempts, m.id, m.data, m.bodyOffset, m.bodyLength);
        } else {
            Frames.appendMessage(out, m.timestampNs, m.attempts, m.id, EMPTY_BLOCK, m.data, m.bodyOffset, m.bodyLength);
        }
    }
}
