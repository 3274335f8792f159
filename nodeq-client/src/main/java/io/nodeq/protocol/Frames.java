package io.nodeq.protocol;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;

/**
 * Server-to-client frames of protocol V2 (nsq-protocol.md §1.3, §1.4).
 *
 * <pre>
 * +--------------+-----------------+---------------------------------------------+
 * | int32 size   | int32 frameType | data (size - 4 bytes)                       |
 * +--------------+-----------------+---------------------------------------------+
 * message data: int64 timestamp ns | uint16 attempts | 16-byte ASCII id | body
 * </pre>
 * {@code size} counts the frame type and the data, not itself.
 */
public final class Frames {
    public static final int FRAME_TYPE_RESPONSE = 0;
    public static final int FRAME_TYPE_ERROR = 1;
    public static final int FRAME_TYPE_MESSAGE = 2;

    /** timestamp (8) + attempts (2) + id (16). */
    public static final int MESSAGE_HEADER_SIZE = 26;
    public static final int MESSAGE_ID_SIZE = 16;

    public static final String OK = "OK";
    public static final String HEARTBEAT = "_heartbeat_";
    public static final String CLOSE_WAIT = "CLOSE_WAIT";

    private static final byte[] OK_FRAME = responseBytes(OK);
    private static final byte[] HEARTBEAT_FRAME = responseBytes(HEARTBEAT);
    private static final byte[] CLOSE_WAIT_FRAME = responseBytes(CLOSE_WAIT);

    private Frames() {
    }

    /** A fresh buffer each call: buffers are mutable and may be written from several threads. */
    public static Buffer ok() {
        return Buffer.buffer(OK_FRAME.clone());
    }

    public static Buffer heartbeat() {
        return Buffer.buffer(HEARTBEAT_FRAME.clone());
    }

    public static Buffer closeWait() {
        return Buffer.buffer(CLOSE_WAIT_FRAME.clone());
    }

    public static Buffer response(String text) {
        return Buffer.buffer(responseBytes(text));
    }

    public static Buffer response(byte[] data) {
        return frame(FRAME_TYPE_RESPONSE, data);
    }

    /**
     * An error frame whose data is {@code "<code> <description>"} (or just the code). Descriptions
     * echo client bytes (command names, IDs) that {@link CommandDecoder} read as ISO-8859-1, one
     * char per byte; they go back byte for byte, as nsqd sends them, not re-encoded as UTF-8.
     */
    public static Buffer error(ProtocolError error) {
        String text = error.toString();
        boolean oneBytePerChar = text.chars().allMatch(ch -> ch <= 0xFF);
        return frame(FRAME_TYPE_ERROR, text.getBytes(oneBytePerChar ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8));
    }

    public static Buffer frame(int frameType, byte[] data) {
        Buffer b = Buffer.buffer(8 + data.length);
        b.appendInt(4 + data.length).appendInt(frameType).appendBytes(data);
        return b;
    }

    /** Appends one message frame to {@code out}; used to batch many deliveries into one write. */
    public static void appendMessage(Buffer out, long timestampNs, int attempts, long id, byte[] body) {
        appendMessageHeader(out, body.length, timestampNs, attempts, id);
        out.appendBytes(body);
    }

    /** {@link #appendMessage} with the body as a slice of a larger array (a log record in a slab). */
    public static void appendMessage(Buffer out, long timestampNs, int attempts, long id, byte[] data, int bodyOffset,
                                     int bodyLength) {
        appendMessageHeader(out, bodyLength, timestampNs, attempts, id);
        out.appendBytes(data, bodyOffset, bodyLength);
    }

    /**
     * {@link #appendMessage} with a body of {@code prefix} then a slice of a larger array: the
     * empty header block ({@code 00 00}) before a stored payload, for a nodeq_headers consumer.
     */
    public static void appendMessage(Buffer out, long timestampNs, int attempts, long id, byte[] prefix, byte[] data,
                                     int bodyOffset, int bodyLength) {
        appendMessageHeader(out, prefix.length + bodyLength, timestampNs, attempts, id);
        out.appendBytes(prefix).appendBytes(data, bodyOffset, bodyLength);
    }

    /**
     * Frame size and type, then the message's timestamp, attempts and ID: everything before the
     * body, for a writer that appends the {@code bodyLength} body bytes itself (the daemon, from
     * direct memory).
     */
    public static void appendMessageHeader(Buffer out, int bodyLength, long timestampNs, int attempts, long id) {
        out.appendInt(4 + MESSAGE_HEADER_SIZE + bodyLength)
                .appendInt(FRAME_TYPE_MESSAGE)
                .appendLong(timestampNs)
                .appendUnsignedShort(attempts & 0xFFFF);
        MessageIds.appendHex(out, id);
    }

    /** The size of the frame {@link #appendMessage} writes. */
    public static int messageFrameSize(int bodyLength) {
        return 8 + MESSAGE_HEADER_SIZE + bodyLength;
    }

    private static byte[] responseBytes(String text) {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        return frame(FRAME_TYPE_RESPONSE, data).getBytes();
    }
}
