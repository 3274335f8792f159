package io.nodeq.protocol.compress;

/**
 * The peer's compressed stream cannot be decoded (bad checksum, unknown mandatory chunk, corrupt
 * deflate data, oversized chunk). The connection cannot be resynchronised after this: close it.
 */
public class CompressionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CompressionException(String message) {
        super(message);
    }

    public CompressionException(String message, Throwable cause) {
        super(message, cause);
    }
}
