package io.nodeq.daemon.broker;

import io.netty.buffer.ByteBuf;
import io.nodeq.daemon.log.LogRecord;

/**
 * One message as {@code /channel/peek} shows it: a copy of its record's fields and body, so it
 * crosses from the shard to the HTTP loop as a value. {@code body} is the stored body as channels
 * see it (a redriven record's target channel name cut off), header block included when
 * {@code flags} has {@link LogRecord#FLAG_HEADERS}; {@code attempts} counts the
 * deliveries so far (the next delivery is attempt {@code attempts + 1}).
 *
 * @param state      "requeued", "queued" or "deferred"
 * @param dueEpochMs when a deferred message comes due, 0 otherwise
 */
public record PeekedMessage(long id, long seq, long timestampNs, int attempts, String state, int flags, byte[] body,
                            long dueEpochMs) {
    public static final String REQUEUED = "requeued";
    public static final String QUEUED = "queued";
    public static final String DEFERRED = "deferred";

    /** A copy of the record at {@code a[off]} (a hot-tail slab or a wrapped read batch). */
    static PeekedMessage ofRecord(ByteBuf a, int off, int attempts, String state, long dueEpochMs) {
        byte[] body = new byte[LogRecord.messageLength(a, off)];
        a.getBytes(LogRecord.messageOffset(a, off), body);
        return new PeekedMessage(LogRecord.id(a, off), LogRecord.seq(a, off), LogRecord.timestampNs(a, off), attempts,
                state, LogRecord.flags(a, off) & ~LogRecord.FLAG_TARGETED, body, dueEpochMs);
    }

    /** A copy of a message the channel holds (its body is a slice of the record it was read from). */
    static PeekedMessage ofMessage(Message m, String state, long dueEpochMs) {
        return new PeekedMessage(m.id, m.seq, m.timestampNs, m.attempts, state,
                m.headerLength > 0 ? LogRecord.FLAG_HEADERS : 0,
                m.storedBody(), dueEpochMs);
    }
}
