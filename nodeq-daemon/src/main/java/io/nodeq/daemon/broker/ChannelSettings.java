package io.nodeq.daemon.broker;

/**
 * A channel's nodeq extensions (README "Max attempts and dead-lettering"): after how many
 * deliveries a requeued or timed-out message stops coming back, and the topic it goes to then
 * ({@code ""}: none, it is dropped and counted). {@code maxAttempts} 0 is NSQ's behaviour
 * (unlimited). Immutable; a channel swaps the whole value when {@code /channel/config} changes it.
 */
public record ChannelSettings(int maxAttempts, String deadLetterTopic) {
    public static final ChannelSettings NONE = new ChannelSettings(0, "");

    public ChannelSettings {
        if (maxAttempts < 0 || maxAttempts > 0xFFFF) {
            throw new IllegalArgumentException("max_attempts must be 0..65535");
        }
        deadLetterTopic = deadLetterTopic == null ? "" : deadLetterTopic;
    }

    /** A change asked for over HTTP: null fields stay as they are ({@code ""} clears the topic). */
    public record Update(Integer maxAttempts, String deadLetterTopic) {
        public static final Update NONE = new Update(null, null);

        public boolean isEmpty() {
            return maxAttempts == null && deadLetterTopic == null;
        }
    }

    public ChannelSettings apply(Update u) {
        return new ChannelSettings(u.maxAttempts() != null ? u.maxAttempts() : maxAttempts,
                u.deadLetterTopic() != null ? u.deadLetterTopic() : deadLetterTopic);
    }

    public boolean hasDeadLetterTopic() {
        return !deadLetterTopic.isEmpty();
    }

    /** The settings a new channel of {@code topic} starts with: the daemon's defaults. */
    static ChannelSettings defaults(String topic, int maxAttempts, String deadLetterSuffix) {
        String dead = "";
        if (!deadLetterSuffix.isEmpty() && !topic.endsWith(deadLetterSuffix)
                && io.nodeq.protocol.Names.isValidTopicName(topic + deadLetterSuffix)
                && !io.nodeq.protocol.Names.isEphemeral(topic)) {
            dead = topic + deadLetterSuffix;
        }
        return new ChannelSettings(maxAttempts, dead);
    }
}
