package io.nodeq.daemon.log;

import io.netty.buffer.ByteBuf;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The record codec of a topic's log (storage.md §2): one message, written once however many channels
 * the topic has. Pure and static; big-endian.
 * <pre>
 *  0       4        8    9     10        12        16        24       32        40
 *  +-------+--------+----+-----+---------+---------+---------+--------+---------+------
 *  |length | crc32c |ver |flags|reserved | deferMs | seq     | id     | ts ns   | body
 *  | u32   | u32    | u8 | u8  | u16 = 0 | u32     | u64     | u64    | u64     |
 *  +-------+--------+----+-----+---------+---------+---------+--------+---------+------
 * </pre>
 * {@code length} counts the bytes after the length field (36 + body length); {@code crc32c}
 * (java.util.zip.CRC32C, the Castagnoli polynomial Kafka and ext4 use, hardware-accelerated) covers
 * bytes [8, 4 + length), so a flipped bit anywhere after the length field, and a wrong length, is
 * caught. {@code ver} = 1. {@code flags} bit 0 ({@link #FLAG_HEADERS}) says the body starts with a
 * header block ({@code io.nodeq.protocol.Headers}: u16 H, H bytes of entries) and the payload follows
 * it; a message without headers is stored with flags 0 and its payload alone, so it costs nothing
 * extra. {@code flags} bit 1 ({@link #FLAG_TARGETED}) says the record is for one channel of the topic
 * only (a redriven dead letter): the body starts with that channel's name, before any header block,
 * and every other channel passes over the record like a finished one:
 * <pre>
 *  body, flags = 0:               | payload |
 *  body, FLAG_HEADERS:            | H (u16) | entries | payload |
 *  body, FLAG_TARGETED (+headers):| n (u8) | channel name (n bytes) | [H | entries] | payload |
 * </pre>
 * The target sits outside the header block so that a delivery cuts the frame from the stored bytes
 * by moving an offset; a {@code Nodeq-Target-Channel} header would need the block rewritten for
 * every delivery to keep it from consumers. The other bits are 0. {@code seq} is authoritative:
 * readers take a record's seq from this field, never from its position.
 */
public final class LogRecord {

    public static final int HEADER = 40;
    public static final byte VERSION = 1;
    /** Flags bit 0: the body is a header block followed by the payload. */
    public static final int FLAG_HEADERS = 1;
    /** Flags bit 1: the body starts with the name of the one channel the record is for (u8 length, name). */
    public static final int FLAG_TARGETED = 2;
    /** Bytes covered by {@code length}: everything but the length field itself. */
    static final int LENGTH_FIELD = 4;
    private static final int CRC_START = 8;

    private LogRecord() {
    }

    public static int size(int bodyLength) {
        return HEADER + bodyLength;
    }

    /** Writes one record without headers at dst[off..]; returns its size. */
    public static int encode(byte[] dst, int off, long seq, long id, long timestampNs, int deferMs,
                             byte[] body, int bodyOff, int bodyLen) {
        return encode(dst, off, seq, id, timestampNs, deferMs, 0, body, bodyOff, bodyLen);
    }

    /** Writes one record at dst[off..] with {@code flags} ({@link #FLAG_HEADERS} or 0); returns its size. */
    public static int encode(byte[] dst, int off, long seq, long id, long timestampNs, int deferMs, int flags,
                             byte[] body, int bodyOff, int bodyLen) {
        int size = HEADER + bodyLen;
        putHeader(dst, off, size, seq, id, timestampNs, deferMs, flags);
        System.arraycopy(body, bodyOff, dst, off + HEADER, bodyLen);
        putInt(dst, off + 4, crc(dst, off, size));
        return size;
    }

    /**
     * Writes one record at dst[off..] (a direct hot-tail slab): the header is built in
     * {@code scratch} ({@link #HEADER} bytes the caller owns) and the CRC computed over it and the
     * heap body, so the slab is written once, with two copies, and never read back.
     */
    public static int encode(ByteBuf dst, int off, byte[] scratch, long seq, long id, long timestampNs, int deferMs,
                             int flags, byte[] body, int bodyOff, int bodyLen) {
        int size = HEADER + bodyLen;
        putHeader(scratch, 0, size, seq, id, timestampNs, deferMs, flags);
        CRC32C crc = new CRC32C();
        crc.update(scratch, CRC_START, HEADER - CRC_START);
        crc.update(body, bodyOff, bodyLen);
        putInt(scratch, 4, (int) crc.getValue());
        dst.setBytes(off, scratch, 0, HEADER);
        dst.setBytes(off + HEADER, body, bodyOff, bodyLen);
        return size;
    }

    /** Every header field but the CRC. */
    private static void putHeader(byte[] dst, int off, int size, long seq, long id, long timestampNs, int deferMs,
                                  int flags) {
        putInt(dst, off, size - LENGTH_FIELD);
        dst[off + 8] = VERSION;
        dst[off + 9] = (byte) flags;
        dst[off + 10] = 0;
        dst[off + 11] = 0;
        putInt(dst, off + 12, deferMs);
        putLong(dst, off + 16, seq);
        putLong(dst, off + 24, id);
        putLong(dst, off + 32, timestampNs);
    }

    /** 4 + length: the whole record. */
    public static int recordSize(byte[] b, int off) {
        return LENGTH_FIELD + getInt(b, off);
    }

    public static long seq(byte[] b, int off) {
        return getLong(b, off + 16);
    }

    /** The channel a targeted record is for, null for a record every channel gets. */
    public static String target(byte[] b, int off) {
        if ((b[off + 9] & FLAG_TARGETED) == 0) {
            return null;
        }
        return new String(b, off + HEADER + 1, b[off + HEADER] & 0xFF, java.nio.charset.StandardCharsets.US_ASCII);
    }

    public static int bodyOffset(int off) {
        return off + HEADER;
    }

    // ---- the fields over a ByteBuf (a direct hot-tail slab, or a read batch wrapped once) ----

    public static int recordSize(ByteBuf b, int off) {
        return LENGTH_FIELD + b.getInt(off);
    }

    public static long seq(ByteBuf b, int off) {
        return b.getLong(off + 16);
    }

    public static long id(ByteBuf b, int off) {
        return b.getLong(off + 24);
    }

    public static long timestampNs(ByteBuf b, int off) {
        return b.getLong(off + 32);
    }

    public static int deferMs(ByteBuf b, int off) {
        return b.getInt(off + 12);
    }

    public static int flags(ByteBuf b, int off) {
        return b.getUnsignedByte(off + 9);
    }

    /**
     * Bytes of the header block at the start of the body (its u16 length included), 0 when the
     * record has none: the payload starts that far into the body.
     */
    public static int headerLength(ByteBuf b, int off) {
        if ((flags(b, off) & FLAG_HEADERS) == 0) {
            return 0;
        }
        int p = off + HEADER + targetLength(b, off);
        // the shard wrote a checked block and the CRC covers it; the bound only keeps a slice in range
        return Math.min(2 + b.getUnsignedShort(p), bodyLength(b, off));
    }

    /** Bytes of the target prefix at the start of the body (u8 length and name), 0 for an untargeted record. */
    public static int targetLength(ByteBuf b, int off) {
        return (flags(b, off) & FLAG_TARGETED) == 0 ? 0 : 1 + b.getUnsignedByte(off + HEADER);
    }

    /** Whether a targeted record is for {@code channel} (compared without building a string). */
    public static boolean targets(ByteBuf b, int off, String channel) {
        int n = b.getUnsignedByte(off + HEADER);
        if (n != channel.length()) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (b.getByte(off + HEADER + 1 + i) != (byte) channel.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Whether the record is targeted at a channel other than {@code channel}: that channel passes over it. */
    public static boolean forOtherChannel(ByteBuf b, int off, String channel) {
        return (flags(b, off) & FLAG_TARGETED) != 0 && !targets(b, off, channel);
    }

    /** Where a channel's view of the body starts: after the target prefix, at the header block or payload. */
    public static int messageOffset(ByteBuf b, int off) {
        return off + HEADER + targetLength(b, off);
    }

    /** The body as channels see it: the stored body without the target prefix. */
    public static int messageLength(ByteBuf b, int off) {
        return bodyLength(b, off) - targetLength(b, off);
    }

    public static int bodyLength(ByteBuf b, int off) {
        return recordSize(b, off) - HEADER;
    }

    /** The record size at absolute index {@code off} of a region a lane write gathers. */
    static int recordSize(ByteBuffer b, int off) {
        return LENGTH_FIELD + b.getInt(off);
    }

    static long seq(ByteBuffer b, int off) {
        return b.getLong(off + 16);
    }

    /**
     * True when a whole, well-formed record with a matching CRC starts at {@code off}: the
     * {@code available} bytes from {@code off} on hold all of it, its size is within
     * [{@link #HEADER}, {@code maxRecordSize}], its version is {@link #VERSION} and its CRC32C matches.
     */
    public static boolean valid(byte[] b, int off, int available, int maxRecordSize) {
        if (available < HEADER || off < 0 || off + HEADER > b.length) {
            return false;
        }
        int length = getInt(b, off);
        // length is a u32: negative means > 2 GiB, never a record of ours
        if (length < HEADER - LENGTH_FIELD || length > maxRecordSize - LENGTH_FIELD) {
            return false;
        }
        int size = LENGTH_FIELD + length;
        if (size > available || off + size > b.length || b[off + 8] != VERSION) {
            return false;
        }
        return getInt(b, off + 4) == crc(b, off, size);
    }

    /** Whether the record's header fields say it is a record of this version (no CRC check). */
    static boolean plausibleHeader(byte[] b, int off, int maxRecordSize) {
        int length = getInt(b, off);
        return length >= HEADER - LENGTH_FIELD && length <= maxRecordSize - LENGTH_FIELD && b[off + 8] == VERSION;
    }

    static int crc(byte[] b, int off, int size) {
        CRC32C crc = new CRC32C();
        crc.update(b, off + CRC_START, size - CRC_START);
        return (int) crc.getValue();
    }

    static int getInt(byte[] b, int off) {
        return ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }

    static long getLong(byte[] b, int off) {
        return ((long) getInt(b, off) << 32) | (getInt(b, off + 4) & 0xFFFFFFFFL);
    }

    static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    static void putLong(byte[] b, int off, long v) {
        putInt(b, off, (int) (v >>> 32));
        putInt(b, off + 4, (int) v);
    }
}
