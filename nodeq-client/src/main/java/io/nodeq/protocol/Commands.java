package io.nodeq.protocol;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Encoders for client commands (nsq-protocol.md §1.2, §1.6). Each method appends to a buffer so a
 * client can pipeline several commands in one write.
 */
public final class Commands {
    public static final byte[] MAGIC_V2 = CommandDecoder.MAGIC_V2.clone();

    private Commands() {
    }

    public static Buffer magic() {
        return Buffer.buffer(MAGIC_V2.clone());
    }

    public static Buffer identify(Buffer out, byte[] json) {
        return out.appendString("IDENTIFY\n").appendInt(json.length).appendBytes(json);
    }

    public static Buffer auth(Buffer out, byte[] secret) {
        return out.appendString("AUTH\n").appendInt(secret.length).appendBytes(secret);
    }

    public static Buffer sub(Buffer out, String topic, String channel) {
        return out.appendString("SUB " + topic + " " + channel + "\n");
    }

    public static Buffer rdy(Buffer out, int count) {
        return out.appendString("RDY " + count + "\n");
    }

    public static Buffer fin(Buffer out, byte[] id) {
        return out.appendString("FIN ").appendBytes(id).appendByte((byte) '\n');
    }

    public static Buffer req(Buffer out, byte[] id, long delayMs) {
        return out.appendString("REQ ").appendBytes(id).appendString(" " + Math.max(0, delayMs) + "\n");
    }

    public static Buffer touch(Buffer out, byte[] id) {
        return out.appendString("TOUCH ").appendBytes(id).appendByte((byte) '\n');
    }

    public static Buffer nop(Buffer out) {
        return out.appendString("NOP\n");
    }

    public static Buffer cls(Buffer out) {
        return out.appendString("CLS\n");
    }

    public static Buffer pub(Buffer out, String topic, byte[] body) {
        return out.appendString("PUB " + topic + "\n").appendInt(body.length).appendBytes(body);
    }

    public static Buffer dpub(Buffer out, String topic, long deferMs, byte[] body) {
        return out.appendString("DPUB " + topic + " " + deferMs + "\n").appendInt(body.length).appendBytes(body);
    }

    public static Buffer mpub(Buffer out, String topic, List<byte[]> bodies) {
        out.appendString("MPUB " + topic + "\n").appendInt(mpubBodySize(bodies)).appendInt(bodies.size());
        for (byte[] b : bodies) {
            out.appendInt(b.length).appendBytes(b);
        }
        return out;
    }

    /**
     * PUB of a nodeq_headers connection: the body is {@code block} (a {@link Headers} block, 00 00 for
     * none) then {@code payload}, written without joining them first.
     */
    public static Buffer pub(Buffer out, String topic, byte[] block, byte[] payload) {
        out.appendString("PUB " + topic + "\n");
        return appendFramed(out, block, payload);
    }

    /** DPUB of a nodeq_headers connection (see {@link #pub(Buffer, String, byte[], byte[])}). */
    public static Buffer dpub(Buffer out, String topic, long deferMs, byte[] block, byte[] payload) {
        out.appendString("DPUB " + topic + " " + deferMs + "\n");
        return appendFramed(out, block, payload);
    }

    /** MPUB of a nodeq_headers connection: message i is {@code blocks.get(i)} then {@code payloads.get(i)}. */
    public static Buffer mpub(Buffer out, String topic, List<byte[]> blocks, List<byte[]> payloads) {
        int size = 4;
        for (int i = 0; i < payloads.size(); i++) {
            size += 4 + blocks.get(i).length + payloads.get(i).length;
        }
        out.appendString("MPUB " + topic + "\n").appendInt(size).appendInt(payloads.size());
        for (int i = 0; i < payloads.size(); i++) {
            appendFramed(out, blocks.get(i), payloads.get(i));
        }
        return out;
    }

    private static Buffer appendFramed(Buffer out, byte[] block, byte[] payload) {
        return out.appendInt(block.length + payload.length).appendBytes(block).appendBytes(payload);
    }

    /** The MPUB body size word: the count plus each message's size word and bytes. */
    public static int mpubBodySize(List<byte[]> bodies) {
        int size = 4;
        for (byte[] b : bodies) {
            size += 4 + b.length;
        }
        return size;
    }

    public static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
