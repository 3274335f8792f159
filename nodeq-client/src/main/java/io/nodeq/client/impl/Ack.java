package io.nodeq.client.impl;

/**
 * A response to a message (FIN / REQ / TOUCH), passed from a worker thread to the consumer's
 * context, which writes many of them in one buffer per connection.
 *
 * @param signal backoff signal: {@link #SUCCESS}, {@link #FAILURE}, {@link #NONE}, or {@link #GAVE_UP}
 */
record Ack(ClientMessage message, byte op, long delayMs, byte signal) {
    static final byte FIN = 1;
    static final byte REQ = 2;
    static final byte TOUCH = 3;

    static final byte NONE = 0;
    static final byte SUCCESS = 1;
    static final byte FAILURE = 2;
    static final byte GAVE_UP = 3;
}
