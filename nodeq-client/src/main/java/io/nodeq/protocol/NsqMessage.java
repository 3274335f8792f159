package io.nodeq.protocol;

import java.nio.charset.StandardCharsets;

/**
 * A message as a client receives it in a frame of type 2 (nsq-protocol.md §1.4). {@code id} holds
 * the 16 raw ID bytes, to be echoed unchanged in FIN / REQ / TOUCH.
 */
public record NsqMessage(long timestampNs, int attempts, byte[] id, byte[] body) {

    public String idString() {
        return new String(id, StandardCharsets.ISO_8859_1);
    }

    public String bodyString() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
