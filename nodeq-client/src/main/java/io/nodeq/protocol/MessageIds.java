package io.nodeq.protocol;

/**
 * Message IDs: a 64-bit value rendered as 16 lowercase hex ASCII bytes on the wire, so an ID never
 * contains a space, CR or LF (nsq-protocol.md §1.4, pitfall 17). Clients echo the 16 bytes raw in
 * FIN/REQ/TOUCH; servers parse them back to the long to find the in-flight entry.
 */
public final class MessageIds {
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    /** Two hex digits per byte value, so formatting is 8 table lookups, not 16 shifts. */
    private static final short[] BYTE_TO_HEX = new short[256];

    static {
        for (int i = 0; i < 256; i++) {
            BYTE_TO_HEX[i] = (short) ((HEX[i >>> 4] << 8) | HEX[i & 0xF]);
        }
    }

    private MessageIds() {
    }

    /** Appends the 16 hex bytes of {@code id} to {@code out} without allocating. */
    public static void appendHex(io.vertx.core.buffer.Buffer out, long id) {
        for (int i = 0; i < 8; i++) {
            out.appendUnsignedShort(BYTE_TO_HEX[(int) (id >>> (56 - 8 * i)) & 0xFF] & 0xFFFF);
        }
    }

    public static byte[] toHexBytes(long id) {
        byte[] out = new byte[Frames.MESSAGE_ID_SIZE];
        writeHex(id, out, 0);
        return out;
    }

    public static void writeHex(long id, byte[] out, int offset) {
        for (int i = 0; i < 8; i++) {
            int b = (int) (id >>> (56 - 8 * i)) & 0xFF;
            short pair = BYTE_TO_HEX[b];
            out[offset + 2 * i] = (byte) (pair >>> 8);
            out[offset + 2 * i + 1] = (byte) pair;
        }
    }

    public static String toHex(long id) {
        return new String(toHexBytes(id), java.nio.charset.StandardCharsets.US_ASCII);
    }

    /**
     * Parses 16 hex characters. Every long is a valid id, so there is no error value: callers
     * check {@link #isHexId} first when the input comes from a client.
     */
    public static long parseHex(CharSequence s) {
        long v = 0;
        for (int i = 0; i < Frames.MESSAGE_ID_SIZE; i++) {
            v = (v << 4) | digit(s.charAt(i));
        }
        return v;
    }

    public static long parseHex(byte[] s, int offset) {
        long v = 0;
        for (int i = 0; i < Frames.MESSAGE_ID_SIZE; i++) {
            v = (v << 4) | digit((char) (s[offset + i] & 0xFF));
        }
        return v;
    }

    public static boolean isHexId(CharSequence s) {
        if (s.length() != Frames.MESSAGE_ID_SIZE) {
            return false;
        }
        for (int i = 0; i < Frames.MESSAGE_ID_SIZE; i++) {
            if (digit(s.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    private static int digit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
