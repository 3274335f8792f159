package io.nodeq.client;

/**
 * Called, on a worker thread, for a message delivered more than
 * {@link ConsumerOptions#maxAttempts()} times instead of the handler; the message is then finished
 * (go-nsq's {@code LogFailedMessage}). Store it somewhere for a human to look at.
 */
@FunctionalInterface
public interface GiveUpHandler {
    void giveUp(Message message) throws Exception;
}
