package io.nodeq.client;

/** Base of the exceptions nodeq-client reports through futures and handlers. */
public class NsqException extends RuntimeException {
    public NsqException(String message) {
        super(message);
    }

    public NsqException(String message, Throwable cause) {
        super(message, cause);
    }
}
