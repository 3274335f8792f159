package io.nodeq.daemon.tcp;

import io.nodeq.protocol.Bodies;
import io.nodeq.protocol.Headers;

/**
 * Checks the bodies a nodeq_headers connection publishes, on its own event loop before they go to
 * a shard: each must be a well-formed header block then a payload of at least one byte (nsqd
 * refuses empty messages; a plain consumer would get one). A bad body is {@code E_BAD_MESSAGE},
 * fatal like nsqd's other bad bodies. Stateless.
 */
final class HeaderCheck {
    private HeaderCheck() {
    }

    /** The error text for the first bad body, or null when all are good. */
    static String problem(String command, Bodies bodies) {
        boolean mpub = "MPUB".equals(command);
        for (int i = 0; i < bodies.count(); i++) {
            int length = bodies.length(i);
            String which = mpub ? command + " message(" + i + ")" : command;
            int block;
            try {
                block = Headers.blockLength(bodies.array(i), bodies.offset(i), length);
            } catch (IllegalArgumentException e) {
                return which + " bad headers: " + e.getMessage();
            }
            if (block == length) {
                return which + " invalid message body size 0";
            }
        }
        return null;
    }
}
