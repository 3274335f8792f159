package io.nodeq.daemon.broker;

import java.time.Duration;

/**
 * A topic's nodeq extensions (README "Idempotent publish", "Peek and replay"): how long a
 * {@code Nodeq-Msg-Id} is remembered, and how long consumed segments are kept for a rewind.
 * {@link Duration#ZERO} turns each off (NSQ's behaviour). Immutable; a topic swaps the whole value
 * when {@code /topic/config} changes it.
 */
public record TopicSettings(Duration dedupWindow, Duration retention) {
    public static final TopicSettings NONE = new TopicSettings(Duration.ZERO, Duration.ZERO);

    public TopicSettings {
        if (dedupWindow.isNegative() || retention.isNegative()) {
            throw new IllegalArgumentException("negative duration");
        }
    }

    /** A change asked for over HTTP: null fields stay as they are. */
    public record Update(Duration dedupWindow, Duration retention) {
        public static final Update NONE = new Update(null, null);

        public boolean isEmpty() {
            return dedupWindow == null && retention == null;
        }
    }

    public TopicSettings apply(Update u) {
        return new TopicSettings(u.dedupWindow() != null ? u.dedupWindow() : dedupWindow,
                u.retention() != null ? u.retention() : retention);
    }
}
