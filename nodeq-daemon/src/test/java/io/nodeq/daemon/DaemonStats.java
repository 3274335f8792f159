package io.nodeq.daemon;

import io.nodeq.daemon.stats.StatsFilter;
import io.nodeq.daemon.stats.StatsSnapshot;

import java.util.concurrent.TimeUnit;

/** Blocking reads of a running daemon's /stats numbers (through its Broker), for tests. */
public final class DaemonStats {
    private DaemonStats() {
    }

    public static StatsSnapshot all(Daemon d) {
        try {
            return d.broker().stats(StatsFilter.ALL).await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("stats failed: " + e, e);
        }
    }

    /** The topic's stats, or null when the daemon has no such topic. */
    public static StatsSnapshot.TopicStats topic(Daemon d, String topic) {
        StatsSnapshot s = all(d);
        if (s.topics() == null) {
            return null;
        }
        return s.topics().stream().filter(t -> t.topicName().equals(topic)).findFirst().orElse(null);
    }

    /** The channel's stats, or null when the daemon has no such topic or channel. */
    public static StatsSnapshot.ChannelStats channel(Daemon d, String topic, String channel) {
        StatsSnapshot.TopicStats t = topic(d, topic);
        if (t == null) {
            return null;
        }
        return t.channels().stream().filter(c -> c.channelName().equals(channel)).findFirst().orElse(null);
    }

    /** The channel's stats; fails when it does not exist. */
    public static StatsSnapshot.ChannelStats existingChannel(Daemon d, String topic, String channel) {
        StatsSnapshot.ChannelStats c = channel(d, topic, channel);
        if (c == null) {
            throw new AssertionError("no channel " + topic + ":" + channel);
        }
        return c;
    }

    /** Blocks for a Broker call's result. */
    public static <T> T await(io.vertx.core.Future<T> f) {
        try {
            return f.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e.toString(), e);
        }
    }
}
