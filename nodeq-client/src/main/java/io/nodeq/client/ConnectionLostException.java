package io.nodeq.client;

/**
 * The connection closed before the daemon answered. For a publish this means the outcome is
 * unknown: the daemon may or may not have accepted the message (NSQ is at-least-once; retrying
 * may duplicate).
 */
public class ConnectionLostException extends NsqException {
    public ConnectionLostException(String message, Throwable cause) {
        super(message, cause);
    }
}
