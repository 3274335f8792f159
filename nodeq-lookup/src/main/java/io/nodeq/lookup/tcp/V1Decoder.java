package io.nodeq.lookup.tcp;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * Incremental decoder of the lookup protocol V1 (nsq-protocol.md §3.1), a pure state machine: any
 * split of the input gives the same events. Owned by its connection's context.
 *
 * <pre>
 *   "  V1"                          4-byte magic, once
 *   COMMAND [arg ...] '\n'          a line; the sink says whether a body follows
 *   [int32 size][size bytes]        body (IDENTIFY only), big-endian size
 * </pre>
 *
 * After an error event the decoder ignores all further input.
 */
public final class V1Decoder implements Handler<Buffer> {
    public static final String MAGIC = "  V1";

    /** Receives decoded events. */
    public interface Sink {
        /** A command line without its '\n'; return true when a [size][body] follows it. */
        boolean line(String line);

        void body(Buffer body);

        /** The input cannot be decoded; send {@code error} (already "E_CODE text") and close. */
        void error(String error);
    }

    private enum State { MAGIC, LINE, SIZE, BODY, FAILED }

    private final Sink sink;
    private final int maxLine;
    private final int maxBody;
    private final String bodyCommand;
    private State state = State.MAGIC;
    private Buffer pending = Buffer.buffer();
    private int need;

    /**
     * @param maxLine     longest command line accepted, in bytes
     * @param maxBody     largest body accepted (nsqd's --max-body-size, 5 MiB)
     * @param bodyCommand name of the command whose body is being read, for error texts
     */
    public V1Decoder(Sink sink, int maxLine, int maxBody, String bodyCommand) {
        this.sink = sink;
        this.maxLine = maxLine;
        this.maxBody = maxBody;
        this.bodyCommand = bodyCommand;
    }

    @Override
    public void handle(Buffer in) {
        if (state == State.FAILED) {
            return;
        }
        pending = pending.length() == 0 ? in.copy() : pending.appendBuffer(in);
        int pos = 0;
        int len = pending.length();
        while (state != State.FAILED) {
            if (state == State.MAGIC) {
                if (len - pos < 4) {
                    break;
                }
                String magic = pending.getString(pos, pos + 4, "ISO-8859-1");
                pos += 4;
                if (!MAGIC.equals(magic)) {
                    fail("E_BAD_PROTOCOL");
                    break;
                }
                state = State.LINE;
            } else if (state == State.LINE) {
                int nl = indexOf(pending, (byte) '\n', pos, len);
                if (nl < 0) {
                    if (len - pos > maxLine) {
                        fail("E_INVALID command line too long");
                    }
                    break;
                }
                if (nl - pos > maxLine) {
                    fail("E_INVALID command line too long");
                    break;
                }
                String line = pending.getString(pos, nl, StandardCharsets.UTF_8.name());
                pos = nl + 1;
                if (sink.line(line)) {
                    state = State.SIZE;
                }
            } else if (state == State.SIZE) {
                if (len - pos < 4) {
                    break;
                }
                int size = pending.getInt(pos);
                pos += 4;
                if (size < 0 || size > maxBody) {
                    fail("E_BAD_BODY " + bodyCommand + " invalid body size " + size);
                    break;
                }
                if (size == 0) {
                    state = State.LINE;
                    sink.body(Buffer.buffer());
                } else {
                    need = size;
                    state = State.BODY;
                }
            } else {   // BODY
                if (len - pos < need) {
                    break;
                }
                Buffer body = pending.getBuffer(pos, pos + need);
                pos += need;
                state = State.LINE;
                sink.body(body);
            }
        }
        if (state == State.FAILED) {
            pending = Buffer.buffer();
        } else {
            pending = pos >= len ? Buffer.buffer() : pending.getBuffer(pos, len);
        }
    }

    private void fail(String error) {
        state = State.FAILED;
        pending = Buffer.buffer();
        sink.error(error);
    }

    private static int indexOf(Buffer b, byte what, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b.getByte(i) == what) {
                return i;
            }
        }
        return -1;
    }
}
