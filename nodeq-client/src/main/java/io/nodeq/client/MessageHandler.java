package io.nodeq.client;

/**
 * Handles one message on a consumer's worker thread (never an event loop). Returning finishes the
 * message (in auto-finish mode); throwing requeues it with backoff.
 */
@FunctionalInterface
public interface MessageHandler {
    void handle(Message message) throws Exception;
}
