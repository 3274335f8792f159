package io.nodeq.daemon.http;

import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits an HTTP /mpub body into messages (nsq-protocol.md §2.4). Pure functions; all-or-nothing.
 *
 * <pre>
 * text mode:   line \n line \n ... [line]        empty lines skipped, '\r' kept
 * binary mode: [int32 count] ([int32 size][size bytes])*   (TCP MPUB body without its size word)
 * </pre>
 */
final class MpubBody {
    private MpubBody() {
    }

    /** Text mode; a line longer than maxMsgSize is 413 MSG_TOO_BIG. */
    static List<byte[]> text(Buffer body, int maxMsgSize) {
        List<byte[]> messages = new ArrayList<>();
        int len = body.length();
        int start = 0;
        while (start < len) {
            int end = indexOf(body, (byte) '\n', start);
            int lineEnd = end < 0 ? len : end;
            int size = lineEnd - start;
            if (size > maxMsgSize) {
                throw new HttpError(413, "MSG_TOO_BIG");
            }
            if (size > 0) {
                messages.add(body.getBytes(start, lineEnd));
            }
            start = lineEnd + 1;
        }
        return messages;
    }

    /**
     * Which error nsqd gives a text body that went over max-body-size, from its first
     * max-body-size + 1 bytes: nsqd reads line by line, so a complete over-long line before the
     * limit is reported as MSG_TOO_BIG; otherwise BODY_TOO_BIG.
     */
    static HttpError textOverflow(Buffer prefix, int maxMsgSize) {
        int readMax = prefix.length();
        int start = 0;
        while (true) {
            int end = indexOf(prefix, (byte) '\n', start);
            if (end < 0 || end + 1 >= readMax) {
                return new HttpError(413, "BODY_TOO_BIG");
            }
            if (end - start > maxMsgSize) {
                return new HttpError(413, "MSG_TOO_BIG");
            }
            start = end + 1;
        }
    }

    /**
     * Binary mode, with nsqd's TCP MPUB checks; errors are 413 with the TCP code minus {@code E_}:
     * a missing or out-of-range count is BAD_BODY, a missing/bad size or short message BAD_MESSAGE.
     * Bytes after the last message are ignored, as nsqd does.
     */
    static List<byte[]> binary(Buffer body, int maxMsgSize, int maxBodySize) {
        int len = body.length();
        if (len < 4) {
            throw new HttpError(413, "BAD_BODY");
        }
        int count = body.getInt(0);
        long maxMessages = (maxBodySize - 4L) / 5;
        if (count <= 0 || count > maxMessages) {
            throw new HttpError(413, "BAD_BODY");
        }
        List<byte[]> messages = new ArrayList<>(Math.min(count, 1024));
        int pos = 4;
        for (int i = 0; i < count; i++) {
            if (pos + 4 > len) {
                throw new HttpError(413, "BAD_MESSAGE");
            }
            int size = body.getInt(pos);
            pos += 4;
            if (size <= 0 || size > maxMsgSize || size > len - pos) {
                throw new HttpError(413, "BAD_MESSAGE");
            }
            messages.add(body.getBytes(pos, pos + size));
            pos += size;
        }
        return messages;
    }

    private static int indexOf(Buffer b, byte value, int from) {
        int len = b.length();
        for (int i = from; i < len; i++) {
            if (b.getByte(i) == value) {
                return i;
            }
        }
        return -1;
    }
}
