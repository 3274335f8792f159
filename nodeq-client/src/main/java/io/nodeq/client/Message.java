package io.nodeq.client;

import io.nodeq.protocol.Headers;

import java.time.Duration;

/**
 * A message delivered to a {@link MessageHandler}. The response methods are thread-safe and may be
 * called from any thread; only the first of {@link #finish()} / {@code requeue...} counts.
 *
 * <p>In the default (auto-finish) mode the consumer finishes the message when the handler returns
 * and requeues it, with a delay growing with {@link #attempts()}, when the handler throws. In manual
 * mode ({@link ConsumerOptions#autoFinish()} false) the application must respond itself; the
 * daemon redelivers a message left unanswered for its {@code msg_timeout}.
 */
public interface Message {
    /** The body (the payload, without headers); do not modify. */
    byte[] body();

    /**
     * The message's headers (a nodeq extension, PROTOCOL-EXTENSIONS.md); {@link Headers#NONE} when it
     * has none or the daemon did not grant {@code nodeq_headers} (a real nsqd).
     */
    Headers headers();

    /** The publisher's idempotency key, header {@link Headers#MSG_ID}; null when absent. */
    default String msgId() {
        return headers().get(Headers.MSG_ID);
    }

    /** The body as UTF-8 text. */
    String bodyAsString();

    /** The 16-character message ID. */
    String id();

    /** How many times the daemon has delivered it, this delivery included (first delivery: 1). */
    int attempts();

    /** When the daemon accepted the publish, in nanoseconds since the Unix epoch. */
    long timestampNanos();

    /** The daemon that delivered it. */
    NsqAddress daemon();

    /** FIN: the message is done. */
    void finish();

    /** REQ with the consumer's default delay (grows with attempts), signalling backoff. */
    void requeue();

    /** REQ: redeliver after {@code delay} (0 = at once), signalling backoff. */
    void requeue(Duration delay);

    /** REQ without entering backoff: for messages that are fine but cannot be handled now. */
    void requeueWithoutBackoff(Duration delay);

    /** TOUCH: reset the daemon's in-flight timeout for this message. */
    void touch();

    /** Whether finish or requeue has already been called. */
    boolean isResponded();
}
