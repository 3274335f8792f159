package io.nodeq.daemon.broker;

import io.nodeq.daemon.DaemonOptions;
import io.nodeq.daemon.stats.StatsFilter;
import io.nodeq.daemon.storage.Metadata.TopicMetadata;
import io.nodeq.daemon.stats.StatsSnapshot;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * The daemon's topics, spread over shards by name hash. Implements the {@link Broker} facade for
 * the HTTP API and offers {@link ShardBatch} execution to TCP connections.
 */
public final class ShardedBroker implements Broker {
    private final Shard[] shards;
    private final DaemonOptions options;
    private final long startTime = Instant.now().getEpochSecond();
    private volatile String healthError;
    private volatile Function<String, Future<List<String>>> channelLookup;
    private volatile Function<String, List<StatsSnapshot.ClientStats>> producers = topic -> List.of();

    public ShardedBroker(Vertx vertx, DaemonOptions options, BrokerStorage storage, BrokerListener listener) {
        this(vertx, options, storage, listener, BrokerClock.system());
    }

    public ShardedBroker(Vertx vertx, DaemonOptions options, BrokerStorage storage, BrokerListener listener,
                         BrokerClock clock) {
        this.options = options;
        this.shards = new Shard[options.shards()];
        for (int i = 0; i < shards.length; i++) {
            Context ctx = ((io.vertx.core.internal.VertxInternal) vertx).createEventLoopContext();
            shards[i] = new Shard(i, vertx, ctx, options, storage, listener, this, clock);
        }
    }

    public void start() {
        for (Shard s : shards) {
            s.start();
        }
    }

    public Shard shardFor(String topic) {
        return shards[Math.floorMod(topic.hashCode(), shards.length)];
    }

    public Shard shardFor(int index) {
        return shards[index];
    }

    public DaemonOptions options() {
        return options;
    }

    public long startTime() {
        return startTime;
    }

    /** Where stats find the connections that published (filtered to a topic when not null). */
    public void setProducers(Function<String, List<StatsSnapshot.ClientStats>> producers) {
        this.producers = producers;
    }

    public int shardCount() {
        return shards.length;
    }

    /**
     * The hot tails' direct memory over all shards: slabs allocated and not freed, their bytes, and
     * how many a shutdown found still referenced after every holder had let go (a leak: 0).
     */
    public record SlabUsage(long slabs, long bytes, long leakedAtShutdown) {
    }

    /** {@link SlabUsage} now; read from any thread (each shard's counters are atomic): a figure, not a snapshot. */
    public SlabUsage hotTailSlabs() {
        long count = 0;
        long bytes = 0;
        long leaked = 0;
        for (Shard s : shards) {
            count += s.slabs.count();
            bytes += s.slabs.bytes();
            leaked += s.slabs.leakedAtShutdown();
        }
        return new SlabUsage(count, bytes, leaked);
    }

    /** Where new topics ask for the channels the lookups know (null: no lookups). */
    public void setChannelLookup(Function<String, Future<List<String>>> lookup) {
        this.channelLookup = lookup;
    }

    Function<String, Future<List<String>>> channelLookup() {
        return channelLookup;
    }

    void storageFailed(String error) {
        healthError = error;
    }

    void storageSucceeded() {
        if (healthError != null) {
            healthError = null;
        }
    }

    @Override
    public String health() {
        String e = healthError;
        return e == null ? "OK" : "NOK - " + e;
    }

    // ---- Broker facade ----

    @Override
    public Future<Void> publish(String topic, List<byte[]> bodies, long deferMs, boolean withHeaders) {
        return append(shardFor(topic), s -> {
            s.getOrCreateTopic(topic).publish(bodies, deferMs, withHeaders);
            return null;
        });
    }

    /**
     * Dead letters (bodies with header blocks) for {@code topic}, created if missing; stored whatever
     * their {@code Nodeq-Msg-Id} and the topic's dedup window. Answered once written (fsynced, durable).
     */
    Future<Void> publishDeadLetters(String topic, List<byte[]> bodies) {
        return append(shardFor(topic), s -> {
            s.getOrCreateTopic(topic).publish(bodies, 0, true, false);
            return null;
        });
    }

    /**
     * Redriven messages for their origin {@code topic}: each item goes to its channel only; items
     * whose topic or channel no longer exists are skipped. Answered once written (fsynced, durable).
     */
    Future<Redrive.Delivered> deliverTargeted(String topic, List<Redrive.Item> items) {
        return append(shardFor(topic), s -> {
            Topic t = s.topic(topic);
            List<Redrive.Item> present = new ArrayList<>(items.size());
            for (Redrive.Item item : items) {
                if (t != null && !t.deleted && t.channel(item.channel()) != null) {
                    present.add(item);
                }
            }
            if (!present.isEmpty()) {
                t.publishTargeted(present);
            }
            return new Redrive.Delivered(present.size(), items.size() - present.size());
        });
    }

    /**
     * Runs {@code append} on the shard and completes on the caller's context once what it appended
     * is written (fsynced for a durable topic), with its result; fails with the append's
     * {@link PublishException} or the write's error.
     */
    private <T> Future<T> append(Shard shard, Function<Shard, T> append) {
        Context caller = Vertx.currentContext();
        Promise<T> promise = Promise.promise();
        shard.run(() -> {
            T result;
            try {
                result = append.apply(shard);
            } catch (RuntimeException e) {
                Shard.complete(caller, () -> promise.fail(e));
                if (e instanceof PublishException) {
                    return; // a refusal (storage failing, topic being deleted), not a fault
                }
                // Shard.run logs the fault and goes on; the publisher has heard of it
                throw e;
            }
            shard.onDurable(err -> Shard.complete(caller, () -> {
                if (err == null) {
                    promise.complete(result);
                } else {
                    promise.fail(new PublishException(err.getMessage() == null ? err.toString() : err.getMessage(), true));
                }
            }));
        });
        return promise.future();
    }

    @Override
    public Future<RedriveResult> redriveTopic(String topic) {
        Context caller = Vertx.currentContext();
        Promise<RedriveResult> promise = Promise.promise();
        Shard shard = shardFor(topic);
        shard.run(() -> {
            Topic t = shard.topic(topic);
            if (t == null) {
                Shard.complete(caller, () -> promise.complete(new RedriveResult(Result.TOPIC_NOT_FOUND, 0, 0)));
                return;
            }
            Redrive redrive = new Redrive(shard, t);
            redrive.future().onComplete(ar -> Shard.complete(caller, () -> promise.handle(ar)));
            redrive.schedule();
        });
        return promise.future();
    }

    @Override
    public Future<Void> createTopic(String topic) {
        return createTopic(topic, null);
    }

    @Override
    public Future<Void> createTopic(String topic, Durability durability) {
        return createTopic(topic, durability, TopicSettings.Update.NONE);
    }

    @Override
    public Future<Void> createTopic(String topic, Durability durability, TopicSettings.Update settings) {
        return shardFor(topic).ask(s -> {
            s.getOrCreateTopic(topic, durability, settings);
            return null;
        });
    }

    @Override
    public Future<Result> configureTopic(String topic, TopicSettings.Update settings) {
        return shardFor(topic).ask(s -> {
            Topic t = s.topic(topic);
            if (t == null) {
                return Result.TOPIC_NOT_FOUND;
            }
            s.configure(t, settings);
            return Result.OK;
        });
    }

    @Override
    public Future<Result> deleteTopic(String topic) {
        return shardFor(topic).ask(s -> {
            Topic t = s.topic(topic);
            if (t == null) {
                return Result.TOPIC_NOT_FOUND;
            }
            s.deleteTopic(t);
            return Result.OK;
        });
    }

    @Override
    public Future<Result> emptyTopic(String topic) {
        return shardFor(topic).ask(s -> {
            Topic t = s.topic(topic);
            if (t == null) {
                return Result.TOPIC_NOT_FOUND;
            }
            t.empty();
            return Result.OK;
        });
    }

    @Override
    public Future<Result> pauseTopic(String topic, boolean paused) {
        return shardFor(topic).ask(s -> {
            Topic t = s.topic(topic);
            if (t == null) {
                return Result.TOPIC_NOT_FOUND;
            }
            if (t.paused != paused) {
                t.paused = paused;
                org.slf4j.LoggerFactory.getLogger(Topic.class).info("TOPIC({}): {}", topic, paused ? "paused" : "unpaused");
                t.fanOut();
                s.metadataChanged();
            }
            return Result.OK;
        });
    }

    @Override
    public Future<Result> createChannel(String topic, String channel) {
        return createChannel(topic, channel, ChannelSettings.Update.NONE);
    }

    @Override
    public Future<Result> createChannel(String topic, String channel, ChannelSettings.Update settings) {
        return shardFor(topic).ask(s -> {
            Topic t = s.topic(topic);
            if (t == null) {
                return Result.TOPIC_NOT_FOUND;
            }
            s.getOrCreateChannel(t, channel, settings);
            return Result.OK;
        });
    }

    @Override
    public Future<Result> configureChannel(String topic, String channel, ChannelSettings.Update settings) {
        return onChannel(topic, channel, (s, c) -> s.configure(c, settings));
    }

    @Override
    public Future<Result> deleteChannel(String topic, String channel) {
        return onChannel(topic, channel, (s, c) -> s.deleteChannel(c));
    }

    @Override
    public Future<Result> emptyChannel(String topic, String channel) {
        return onChannel(topic, channel, (s, c) -> c.empty());
    }

    @Override
    public Future<Result> pauseChannel(String topic, String channel, boolean paused) {
        return onChannel(topic, channel, (s, c) -> {
            if (c.paused != paused) {
                c.paused = paused;
                org.slf4j.LoggerFactory.getLogger(Channel.class)
                        .info("CHANNEL({}:{}): {}", topic, channel, paused ? "paused" : "unpaused");
                s.markDirty(c);
                s.metadataChanged();
            }
        });
    }

    private Future<Result> onChannel(String topic, String channel, java.util.function.BiConsumer<Shard, Channel> action) {
        return shardFor(topic).ask(s -> {
            Topic t = s.topic(topic);
            if (t == null) {
                return Result.TOPIC_NOT_FOUND;
            }
            Channel c = t.channel(channel);
            if (c == null) {
                return Result.CHANNEL_NOT_FOUND;
            }
            action.accept(s, c);
            return Result.OK;
        });
    }

    @Override
    public Future<PeekResult> peek(String topic, String channel, int n, boolean includeDeferred) {
        return onShard(topic, (shard, done) -> new ChannelPeek(shard, topic, channel, n, includeDeferred, done).step());
    }

    @Override
    public Future<RewindResult> rewind(String topic, String channel, long toEpochNs) {
        return onShard(topic, (shard, done) -> new ChannelRewind(shard, topic, channel, toEpochNs, done).start());
    }

    /** Starts {@code work} as a task of the topic's shard; it may finish in a later task (after a lane read). */
    private <T> Future<T> onShard(String topic, java.util.function.BiConsumer<Shard, Handler<AsyncResult<T>>> work) {
        Context caller = Vertx.currentContext();
        Promise<T> promise = Promise.promise();
        Shard shard = shardFor(topic);
        shard.run(() -> {
            try {
                work.accept(shard, ar -> Shard.complete(caller, () -> {
                    if (ar.succeeded()) {
                        promise.tryComplete(ar.result());
                    } else {
                        promise.tryFail(ar.cause());
                    }
                }));
            } catch (RuntimeException e) {
                Shard.complete(caller, () -> promise.tryFail(e));
                throw e;
            }
        });
        return promise.future();
    }

    @Override
    public Future<StatsSnapshot> stats(StatsFilter filter) {
        List<Future<List<StatsSnapshot.TopicStats>>> parts = new ArrayList<>();
        for (Shard s : shards) {
            if (filter.topic() != null && s != shardFor(filter.topic())) {
                continue;
            }
            parts.add(s.ask(sh -> sh.stats(filter.topic(), filter.channel(), filter.includeClients())));
        }
        return Future.all(parts).map(cf -> {
            List<StatsSnapshot.TopicStats> topics = new ArrayList<>();
            for (int i = 0; i < parts.size(); i++) {
                topics.addAll(cf.<List<StatsSnapshot.TopicStats>>resultAt(i));
            }
            topics.sort(Comparator.comparing(StatsSnapshot.TopicStats::topicName));
            if (filter.topic() != null && topics.isEmpty() && filter.channel() == null) {
                return new StatsSnapshot(startTime, health(), null, null);
            }
            List<StatsSnapshot.ClientStats> pubs = filter.includeClients() ? producers.apply(filter.topic()) : null;
            return new StatsSnapshot(startTime, health(), topics, pubs == null || pubs.isEmpty() ? null : pubs);
        });
    }

    /** The non-ephemeral topics and channels with pause flags, for nsqd.dat. */
    public Future<List<TopicMetadata>> metadata() {
        List<Future<List<TopicMetadata>>> parts = new ArrayList<>();
        for (Shard s : shards) {
            parts.add(s.ask(Shard::metadata));
        }
        return Future.all(parts).map(cf -> {
            List<TopicMetadata> all = new ArrayList<>();
            for (int i = 0; i < parts.size(); i++) {
                all.addAll(cf.<List<TopicMetadata>>resultAt(i));
            }
            all.sort(Comparator.comparing(TopicMetadata::name));
            return all;
        });
    }

    /** Every topic and channel (ephemeral included), for registering with lookups. */
    public Future<List<String[]>> registrations() {
        List<Future<List<String[]>>> parts = new ArrayList<>();
        for (Shard s : shards) {
            parts.add(s.ask(Shard::registrations));
        }
        return Future.all(parts).map(cf -> {
            List<String[]> all = new ArrayList<>();
            for (int i = 0; i < parts.size(); i++) {
                all.addAll(cf.<List<String[]>>resultAt(i));
            }
            return all;
        });
    }

    /**
     * Opens the logs and cursors of the topics in nsqd.dat and of any found on disk, at start,
     * before any client connects.
     */
    public Future<Void> restore(List<TopicMetadata> topics) {
        List<Future<Void>> parts = new ArrayList<>();
        for (Shard s : shards) {
            List<TopicMetadata> mine = new ArrayList<>();
            for (TopicMetadata tm : topics) {
                if (shardFor(tm.name()) == s) {
                    mine.add(tm);
                }
            }
            parts.add(s.restore(mine));
        }
        return Future.all(parts).mapEmpty();
    }

    /** Saves all messages and closes every shard. */
    public Future<Void> close() {
        List<Future<Void>> parts = new ArrayList<>();
        for (Shard s : shards) {
            parts.add(s.close());
        }
        return Future.join(parts).mapEmpty();
    }
}
