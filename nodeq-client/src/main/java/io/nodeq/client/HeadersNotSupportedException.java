package io.nodeq.client;

/**
 * A publish with message headers to a daemon that did not grant {@code nodeq_headers} in IDENTIFY
 * (a real nsqd): nothing was sent. Publish without headers there, or to a nodeq daemon.
 */
public class HeadersNotSupportedException extends NsqException {
    public HeadersNotSupportedException(String message) {
        super(message);
    }
}
