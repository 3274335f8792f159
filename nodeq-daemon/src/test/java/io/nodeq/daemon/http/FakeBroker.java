package io.nodeq.daemon.http;

import io.nodeq.daemon.broker.Broker;
import io.nodeq.daemon.broker.PublishException;
import io.nodeq.daemon.stats.StatsFilter;
import io.nodeq.daemon.stats.StatsSnapshot;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-memory Broker for fast, exact HTTP API checks: records what was asked of it. Thread-safe
 * (synchronized); test-only.
 */
final class FakeBroker implements Broker {

    static final class FakeTopic {
        final List<byte[]> messages = new ArrayList<>();
        final List<Long> defers = new ArrayList<>();
        final Map<String, Boolean> channels = new TreeMap<>();
        boolean paused;
        int emptied;
    }

    final Map<String, FakeTopic> topics = new TreeMap<>();
    final List<String> calls = new CopyOnWriteArrayList<>();
    final Map<String, Object> settings = new ConcurrentHashMap<>();
    volatile String health = "OK";
    volatile boolean failPublish;
    /** Not a storage refusal: a fault inside the broker, as when a shard task throws. */
    volatile RuntimeException publishFault;
    volatile StatsSnapshot snapshot;
    volatile StatsFilter lastFilter;

    @Override
    public synchronized Future<Void> publish(String topic, List<byte[]> bodies, long deferMs, boolean withHeaders) {
        calls.add("publish " + topic + " " + bodies.size() + " " + deferMs + (withHeaders ? " headers" : ""));
        if (failPublish) {
            return Future.failedFuture(new PublishException("exiting"));
        }
        if (publishFault != null) {
            return Future.failedFuture(publishFault);
        }
        FakeTopic t = topics.computeIfAbsent(topic, k -> new FakeTopic());
        for (byte[] b : bodies) {
            t.messages.add(b);
            t.defers.add(deferMs);
        }
        return Future.succeededFuture();
    }

    @Override
    public synchronized Future<Void> createTopic(String topic) {
        calls.add("createTopic " + topic);
        topics.computeIfAbsent(topic, k -> new FakeTopic());
        return Future.succeededFuture();
    }

    @Override
    public synchronized Future<Result> deleteTopic(String topic) {
        calls.add("deleteTopic " + topic);
        return Future.succeededFuture(topics.remove(topic) == null ? Result.TOPIC_NOT_FOUND : Result.OK);
    }

    @Override
    public synchronized Future<Result> emptyTopic(String topic) {
        calls.add("emptyTopic " + topic);
        return Future.succeededFuture(topicOp(topic, t -> {
            t.messages.clear();
            t.emptied++;
        }));
    }

    @Override
    public synchronized Future<Result> pauseTopic(String topic, boolean paused) {
        calls.add("pauseTopic " + topic + " " + paused);
        return Future.succeededFuture(topicOp(topic, t -> t.paused = paused));
    }

    private Result topicOp(String topic, java.util.function.Consumer<FakeTopic> op) {
        FakeTopic t = topics.get(topic);
        if (t == null) {
            return Result.TOPIC_NOT_FOUND;
        }
        op.accept(t);
        return Result.OK;
    }

    @Override
    public synchronized Future<Result> createChannel(String topic, String channel) {
        calls.add("createChannel " + topic + " " + channel);
        FakeTopic t = topics.get(topic);
        if (t == null) {
            return Future.succeededFuture(Result.TOPIC_NOT_FOUND);
        }
        t.channels.putIfAbsent(channel, false);
        return Future.succeededFuture(Result.OK);
    }

    @Override
    public synchronized Future<Result> deleteChannel(String topic, String channel) {
        calls.add("deleteChannel " + topic + " " + channel);
        return Future.succeededFuture(channelOp(topic, channel, t -> t.channels.remove(channel)));
    }

    @Override
    public synchronized Future<Result> emptyChannel(String topic, String channel) {
        calls.add("emptyChannel " + topic + " " + channel);
        return Future.succeededFuture(channelOp(topic, channel, t -> { }));
    }

    @Override
    public synchronized Future<Result> pauseChannel(String topic, String channel, boolean paused) {
        calls.add("pauseChannel " + topic + " " + channel + " " + paused);
        return Future.succeededFuture(channelOp(topic, channel, t -> t.channels.put(channel, paused)));
    }

    private Result channelOp(String topic, String channel, java.util.function.Consumer<FakeTopic> op) {
        FakeTopic t = topics.get(topic);
        if (t == null) {
            return Result.TOPIC_NOT_FOUND;
        }
        if (!t.channels.containsKey(channel)) {
            return Result.CHANNEL_NOT_FOUND;
        }
        op.accept(t);
        return Result.OK;
    }

    @Override
    public Future<StatsSnapshot> stats(StatsFilter filter) {
        lastFilter = filter;
        StatsSnapshot s = snapshot;
        return Future.succeededFuture(s != null ? s : new StatsSnapshot(1795393326L, health, List.of(), null));
    }

    @Override
    public String health() {
        return health;
    }

    synchronized FakeTopic topic(String name) {
        return topics.get(name);
    }
}
