package io.nodeq.daemon.storage;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One message as stored in a disk queue record, which is exactly NSQ's wire message layout
 * (nsq-protocol.md §1.4):
 * <pre>
 *  0        8          10                  26
 *  +--------+----------+-------------------+----------------+
 *  | int64  | uint16   | 16 bytes          | body           |
 *  | ts ns  | attempts | message ID (hex)  | (rest)         |
 *  +--------+----------+-------------------+----------------+
 * </pre>
 * Immutable value; the arrays are not copied on construction, treat them as owned by the record.
 */
public record MessageRecord(long timestampNs, int attempts, byte[] id, byte[] body) {

    public static final int ID_SIZE = 16;
    public static final int HEADER_SIZE = 8 + 2 + ID_SIZE;

    public MessageRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(body, "body");
        if (id.length != ID_SIZE) {
            throw new IllegalArgumentException("message ID must be 16 bytes, got " + id.length);
        }
        if (attempts < 0 || attempts > 0xFFFF) {
            throw new IllegalArgumentException("attempts is a uint16, got " + attempts);
        }
    }

    public byte[] encode() {
        return encode(timestampNs, attempts, id, body);
    }

    /** Encodes without building a record; attempts wraps at 65535 like NSQ's uint16. */
    public static byte[] encode(long timestampNs, int attempts, byte[] id, byte[] body) {
        if (id.length != ID_SIZE) {
            throw new IllegalArgumentException("message ID must be 16 bytes, got " + id.length);
        }
        byte[] out = new byte[HEADER_SIZE + body.length];
        ByteBuffer.wrap(out).putLong(timestampNs).putShort((short) attempts).put(id).put(body);
        return out;
    }

    public static MessageRecord decode(byte[] payload) {
        if (payload.length < HEADER_SIZE) {
            throw new IllegalArgumentException("record shorter than the 26-byte header: " + payload.length);
        }
        ByteBuffer in = ByteBuffer.wrap(payload);
        long ts = in.getLong();
        int attempts = Short.toUnsignedInt(in.getShort());
        byte[] id = new byte[ID_SIZE];
        in.get(id);
        byte[] body = Arrays.copyOfRange(payload, HEADER_SIZE, payload.length);
        return new MessageRecord(ts, attempts, id, body);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MessageRecord m && m.timestampNs == timestampNs && m.attempts == attempts
                && Arrays.equals(m.id, id) && Arrays.equals(m.body, body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(timestampNs, attempts, Arrays.hashCode(id), Arrays.hashCode(body));
    }

    @Override
    public String toString() {
        return "MessageRecord[ts=" + timestampNs + ", attempts=" + attempts + ", id="
                + new String(id, java.nio.charset.StandardCharsets.ISO_8859_1) + ", body="
                + (body.length <= 32 ? HexFormat.of().formatHex(body) : body.length + " bytes") + "]";
    }
}
