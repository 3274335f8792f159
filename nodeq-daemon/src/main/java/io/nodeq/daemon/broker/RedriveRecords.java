package io.nodeq.daemon.broker;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.nodeq.daemon.log.LogRecord;
import io.nodeq.protocol.Headers;
import io.nodeq.protocol.Names;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns a dead letter's record into what its origin channel gets back (a redrive): the origin it
 * names, and the body stored for the origin channel only.
 *
 * <pre>
 *   dead letter:  | H | Nodeq-Origin-Topic, -Channel, -Id, -Attempts, own headers | payload |
 *   redriven:     | n | channel | H' | own headers | payload |     flags TARGETED | HEADERS
 *                 | n | channel | payload |                       flags TARGETED (no own headers)
 * </pre>
 *
 * Stateless.
 */
final class RedriveRecords {
    private RedriveRecords() {
    }

    /** Where a dead letter goes back to, and its stored body and flags there (a new array). */
    record Origin(String topic, String channel, byte[] stored, int flags) {
    }

    /** The origin of the record at {@code off}, or null when it names none (or names an invalid one). */
    static Origin origin(byte[] a, int off) {
        ByteBuf record = Unpooled.wrappedBuffer(a);
        int headerLength = LogRecord.headerLength(record, off);
        if (headerLength == 0) {
            return null;
        }
        int bodyOff = LogRecord.messageOffset(record, off);
        Headers headers = Headers.decode(a, bodyOff);
        String topic = headers.get(Headers.ORIGIN_TOPIC);
        String channel = headers.get(Headers.ORIGIN_CHANNEL);
        if (topic == null || channel == null || !Names.isValidTopicName(topic) || !Names.isValidChannelName(channel)) {
            return null;
        }
        Map<String, String> own = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : headers.asMap().entrySet()) {
            if (!DeadLetterBodies.isOrigin(e.getKey())) {
                own.put(e.getKey(), e.getValue());
            }
        }
        Headers kept = Headers.of(own);
        int payloadOff = bodyOff + headerLength;
        int payload = LogRecord.messageLength(record, off) - headerLength;
        byte[] name = channel.getBytes(StandardCharsets.US_ASCII);
        int block = kept.isEmpty() ? 0 : kept.encodedLength();
        byte[] stored = new byte[1 + name.length + block + payload];
        stored[0] = (byte) name.length;
        System.arraycopy(name, 0, stored, 1, name.length);
        int p = 1 + name.length;
        if (block > 0) {
            p = kept.encodeTo(stored, p);
        }
        System.arraycopy(a, payloadOff, stored, p, payload);
        int flags = LogRecord.FLAG_TARGETED | (block > 0 ? LogRecord.FLAG_HEADERS : 0);
        return new Origin(topic, channel, stored, flags);
    }
}
