package io.nodeq.daemon.broker;

/**
 * What {@link Broker#rewind} did: the first seq the channel delivers again and how many messages
 * it queued again; or why it did nothing ({@code result} not OK, or {@code refused}, a reason in
 * nsqd's SNAKE_CASE style, for a channel that has no log to go back over).
 */
public record RewindResult(Broker.Result result, long fromSeq, long messages, String refused) {
    static RewindResult of(Broker.Result result) {
        return new RewindResult(result, -1, 0, null);
    }

    static RewindResult refused(String reason) {
        return new RewindResult(Broker.Result.OK, -1, 0, reason);
    }
}
