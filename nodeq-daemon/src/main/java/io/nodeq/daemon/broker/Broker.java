package io.nodeq.daemon.broker;

import io.nodeq.daemon.stats.StatsFilter;
import io.nodeq.daemon.stats.StatsSnapshot;
import io.vertx.core.Future;

import java.util.List;

/**
 * What the outside (HTTP API, lookup peers, admin actions) may ask of the topics and channels.
 * Every method may be called from any thread; the work runs on the owning shard and the future
 * completes on the caller's context when it has one.
 */
public interface Broker {

    /** Outcome of an action on a named topic or channel. */
    enum Result { OK, TOPIC_NOT_FOUND, CHANNEL_NOT_FOUND }

    /** Outcome of {@link #redriveTopic}: how many messages went back to their origin channel, how many not. */
    record RedriveResult(Result result, long redriven, long skipped) {
    }

    /**
     * Publishes the bodies (all or nothing) to the topic, creating it if needed; {@code deferMs}
     * &gt; 0 defers each message in every channel. Fails with {@link PublishException} when the
     * topic is being deleted or its storage fails.
     */
    default Future<Void> publish(String topic, List<byte[]> bodies, long deferMs) {
        return publish(topic, bodies, deferMs, false);
    }

    /**
     * {@link #publish(String, List, long)} where, when {@code withHeaders}, each body starts with a
     * header block ({@code io.nodeq.protocol.Headers}: build it with {@code Headers.frame(payload)},
     * or check a client's with {@code Headers.blockLength}); consumers that negotiated
     * {@code nodeq_headers} receive the block, others the payload alone. Callable from any thread,
     * a shard's included (a dead-lettering channel publishing to another topic).
     */
    Future<Void> publish(String topic, List<byte[]> bodies, long deferMs, boolean withHeaders);

    /** Creates the topic if missing (idempotent). */
    Future<Void> createTopic(String topic);

    /** Creates the topic if missing with the given level (null: the daemon's default); an existing topic keeps its own. */
    default Future<Void> createTopic(String topic, Durability durability) {
        return createTopic(topic);
    }

    /**
     * Creates the topic if missing with the given level and settings (nodeq extensions; null fields
     * of {@code settings}: off for a new topic, unchanged for an existing one).
     */
    default Future<Void> createTopic(String topic, Durability durability, TopicSettings.Update settings) {
        return createTopic(topic, durability);
    }

    /** Changes an existing topic's settings ({@code /topic/config}); null fields stay as they are. */
    default Future<Result> configureTopic(String topic, TopicSettings.Update settings) {
        return Future.failedFuture(new UnsupportedOperationException("topic settings"));
    }

    Future<Result> deleteTopic(String topic);

    /**
     * nodeq: delivers the dead letters of {@code topic} from its redrive mark on again to the channel
     * each came from, then moves the mark to the end and drops what the topic held (at least once: a
     * crash in the middle redrives some again). Fails with {@link PublishException} when a read or a
     * publish fails.
     */
    default Future<RedriveResult> redriveTopic(String topic) {
        return Future.failedFuture(new UnsupportedOperationException("redrive"));
    }

    Future<Result> emptyTopic(String topic);

    Future<Result> pauseTopic(String topic, boolean paused);

    /** Creates the channel if missing; the topic must exist ({@code TOPIC_NOT_FOUND} otherwise). */
    Future<Result> createChannel(String topic, String channel);

    /**
     * Creates the channel if missing, with the daemon's defaults changed by {@code settings}; an
     * existing channel takes the change. The topic must exist.
     */
    default Future<Result> createChannel(String topic, String channel, ChannelSettings.Update settings) {
        return createChannel(topic, channel);
    }

    /** Changes an existing channel's settings ({@code /channel/config}); null fields stay as they are. */
    default Future<Result> configureChannel(String topic, String channel, ChannelSettings.Update settings) {
        return Future.failedFuture(new UnsupportedOperationException("channel settings"));
    }

    Future<Result> deleteChannel(String topic, String channel);

    Future<Result> emptyChannel(String topic, String channel);

    Future<Result> pauseChannel(String topic, String channel, boolean paused);

    /**
     * The next {@code n} messages the channel would deliver, in delivery order, without delivering
     * them (and its deferred ones after them, when asked).
     */
    default Future<PeekResult> peek(String topic, String channel, int n, boolean includeDeferred) {
        return Future.failedFuture(new UnsupportedOperationException("peek"));
    }

    /**
     * Makes the channel deliver again every retained message published at or after
     * {@code toEpochNs} (record timestamp), once each, in log order; answers once that is journaled.
     */
    default Future<RewindResult> rewind(String topic, String channel, long toEpochNs) {
        return Future.failedFuture(new UnsupportedOperationException("rewind"));
    }

    /** A consistent-per-topic snapshot of counters, sorted by topic and channel name. */
    Future<StatsSnapshot> stats(StatsFilter filter);

    /** {@code "OK"} or {@code "NOK - <last storage error>"}. */
    String health();
}
