package io.nodeq.daemon.broker;

import io.nodeq.protocol.MessageIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One INFO line per dead letter of a channel (topic, channel, NSQ id, attempts), at most
 * {@link #LINES_PER_WINDOW} a second: a consumer failing everything would otherwise write thousands
 * of lines a second. What the limit leaves out is told in one line once the second is over.
 *
 * <p>Owned by its channel's shard.
 */
final class DeadLetterLog {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);
    private static final int LINES_PER_WINDOW = 10;
    private static final long WINDOW_NS = 1_000_000_000L;

    private final String topic;
    private final String channel;
    private long windowStart = Long.MIN_VALUE;
    private int lines;
    private long left;

    DeadLetterLog(String topic, String channel) {
        this.topic = topic;
        this.channel = channel;
    }

    void deadLettered(Message m, String deadLetterTopic, long nowMono) {
        if (allowed(nowMono)) {
            LOG.info("CHANNEL({}:{}): message {} dead-lettered to {} after {} attempts", topic, channel,
                    MessageIds.toHex(m.id), deadLetterTopic, m.attempts);
        }
    }

    void dropped(Message m, long nowMono) {
        if (allowed(nowMono)) {
            LOG.info("CHANNEL({}:{}): message {} dropped after {} attempts (no dead-letter topic)", topic, channel,
                    MessageIds.toHex(m.id), m.attempts);
        }
    }

    private boolean allowed(long nowMono) {
        tick(nowMono);
        if (lines < LINES_PER_WINDOW) {
            lines++;
            return true;
        }
        left++;
        return false;
    }

    /** Starts a new window once the current one is over, telling what the last one left out. */
    void tick(long nowMono) {
        if (windowStart != Long.MIN_VALUE && nowMono - windowStart < WINDOW_NS) {
            return;
        }
        if (left > 0) {
            LOG.info("CHANNEL({}:{}): {} more messages dead-lettered or dropped (log lines limited to {} a second)",
                    topic, channel, left, LINES_PER_WINDOW);
        }
        windowStart = nowMono;
        lines = 0;
        left = 0;
    }
}
