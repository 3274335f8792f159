package io.nodeq.client.impl;

/**
 * The codes of a response to a message: the command ({@link #FIN} or {@link #REQ}) and the backoff
 * signal it gives ({@link #SUCCESS}, {@link #FAILURE}, {@link #NONE}, or {@link #GAVE_UP}).
 */
final class Ack {
    static final byte FIN = 1;
    static final byte REQ = 2;

    static final byte NONE = 0;
    static final byte SUCCESS = 1;
    static final byte FAILURE = 2;
    static final byte GAVE_UP = 3;

    private Ack() {
    }
}
