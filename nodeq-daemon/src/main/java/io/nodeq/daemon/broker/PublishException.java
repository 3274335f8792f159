package io.nodeq.daemon.broker;

/**
 * A publish the daemon accepted syntactically but could not queue: the topic is going away, or
 * the storage failed ({@link #storage()}: disk full, an IO error), in which case the message is the
 * reason and HTTP answers 500 with it (TCP: E_PUB_FAILED).
 */
public final class PublishException extends RuntimeException {
    private final boolean storage;

    public PublishException(String message) {
        this(message, false);
    }

    public PublishException(String message, boolean storage) {
        super(message, null, false, false);
        this.storage = storage;
    }

    public boolean storage() {
        return storage;
    }
}
