package io.nodeq.client;

/**
 * The producer's pending buffer ({@link ProducerOptions#maxPendingBytes()}) is full: the daemon is
 * slower than the application or unreachable. Nothing was queued; the caller may retry later.
 */
public class BufferFullException extends NsqException {
    public BufferFullException(String message) {
        super(message);
    }
}
