package io.nodeq.daemon.broker;

/**
 * The header block at the start of a body published with headers ({@code io.nodeq.protocol.Headers}):
 * {@code u16 H} then H bytes of entries. The entries were checked where the body came in (the
 * connection's loop, the HTTP handler) or built by {@code Headers}; the shard only needs the
 * length. Stateless.
 */
final class HeaderBlocks {
    private HeaderBlocks() {
    }

    /** The length of the block at {@code off}, its u16 prefix included: where the payload starts. */
    static int length(byte[] body, int off) {
        return 2 + (((body[off] & 0xFF) << 8) | (body[off + 1] & 0xFF));
    }

    /**
     * Refuses a body {@code body[off, off + len)} too short for the block it announces (a caller's
     * bug, not a client's).
     */
    static void check(byte[] body, int off, int len) {
        if (len < 2 || length(body, off) > len) {
            throw new IllegalArgumentException("body of " + len + " bytes does not start with a header block");
        }
    }
}
