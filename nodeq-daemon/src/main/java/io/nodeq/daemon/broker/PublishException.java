package io.nodeq.daemon.broker;

/** A publish the daemon accepted syntactically but could not queue (topic exiting, disk failure). */
public final class PublishException extends RuntimeException {
    public PublishException(String message) {
        super(message, null, false, false);
    }
}
