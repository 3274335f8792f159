package io.nodeq.daemon.broker;

import io.nodeq.protocol.Headers;
import io.nodeq.protocol.MessageIds;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The body a dead letter is published with: a header block naming its origin, then its payload.
 *
 * <pre>
 *   | H (u16) | Nodeq-Origin-Topic, -Channel, -Id (16-char NSQ id), -Attempts, the message's own headers | payload |
 * </pre>
 *
 * The message's own headers follow the origin ones (an own {@code Nodeq-Origin-*}, from an earlier
 * dead-lettering, is replaced). If they would make the block too large, only the origin headers are
 * kept: the dead letter must not fail for it. Stateless.
 */
final class DeadLetterBodies {
    private static final String ORIGIN_PREFIX = "nodeq-origin-";

    private DeadLetterBodies() {
    }

    /** A new array: it crosses to the dead-letter topic's shard. */
    static byte[] of(String topic, String channel, Message m) {
        Map<String, String> origin = new LinkedHashMap<>();
        origin.put(Headers.ORIGIN_TOPIC, topic);
        origin.put(Headers.ORIGIN_CHANNEL, channel);
        origin.put(Headers.ORIGIN_ID, MessageIds.toHex(m.id));
        origin.put(Headers.ORIGIN_ATTEMPTS, Integer.toString(m.attempts));
        Headers headers = Headers.of(origin);
        if (m.headerLength > 0) {
            Map<String, String> all = new LinkedHashMap<>(origin);
            for (Map.Entry<String, String> e : Headers.decode(m.headerBlock(), 0).asMap().entrySet()) {
                if (!isOrigin(e.getKey())) {
                    all.put(e.getKey(), e.getValue());
                }
            }
            try {
                headers = Headers.of(all);
            } catch (IllegalArgumentException tooLarge) {
                // keep the origin: it is what a redrive needs
            }
        }
        int payload = m.bodyLength - m.headerLength;
        byte[] out = new byte[headers.encodedLength() + payload];
        int off = headers.encodeTo(out, 0);
        m.data.getBytes(m.bodyOffset + m.headerLength, out, off, payload);
        return out;
    }

    /** A {@code Nodeq-Origin-*} header (names compare ignoring case). */
    static boolean isOrigin(String name) {
        return name.toLowerCase(Locale.ROOT).startsWith(ORIGIN_PREFIX);
    }
}
