package io.nodeq.daemon.broker;

import io.nodeq.daemon.DaemonOptions;
import io.nodeq.daemon.stats.StatsSnapshot;
import io.nodeq.daemon.storage.Metadata.ChannelMetadata;
import io.nodeq.daemon.storage.Metadata.TopicMetadata;
import io.nodeq.protocol.Names;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * A shard owns the topics whose name hashes to it, their channels, in-flight and deferred
 * messages, with plain collections: every access runs on its event-loop context ({@link #run}).
 * Blocking file IO goes to its {@link DiskLane}. Timeouts and deferrals are scanned by one
 * periodic task, not a timer per message.
 *
 * <p>Owned by its context; other threads only call {@link #run} / {@link #ask}.
 */
public final class Shard {
    private static final Logger LOG = LoggerFactory.getLogger(Shard.class);

    final int index;
    final Context ctx;
    final DaemonOptions options;
    final DiskLane lane;
    final Random random = new Random();
    private final Vertx vertx;
    private final BackendQueue.Factory backends;
    private final BrokerListener listener;
    private final ShardedBroker broker;
    private final long epochBaseNs;
    private final long monoBase;

    final Map<String, Topic> topics = new HashMap<>();
    private final List<Channel> dirty = new ArrayList<>();
    private final List<MessageQueue> spilledQueues = new ArrayList<>();
    private final List<java.util.function.Consumer<Throwable>> durableWaiters = new ArrayList<>();
    private long scanTimer = -1;
    private long syncTimer = -1;
    private boolean closed;
    /** Spill writes on the lane whose completion has not run; a close answers their publishers. */
    private final java.util.Set<PendingWrite> pendingWrites = new java.util.HashSet<>();

    /** The publishers waiting on one spill write, and its error (set on the lane). */
    private static final class PendingWrite {
        final List<java.util.function.Consumer<Throwable>> waiters;
        volatile Throwable error;

        PendingWrite(List<java.util.function.Consumer<Throwable>> waiters) {
            this.waiters = waiters;
        }
    }

    Shard(int index, Vertx vertx, Context ctx, DaemonOptions options, BackendQueue.Factory backends,
          BrokerListener listener, ShardedBroker broker, long epochBaseNs, long monoBase) {
        this.index = index;
        this.vertx = vertx;
        this.ctx = ctx;
        this.options = options;
        this.backends = backends;
        this.listener = listener;
        this.broker = broker;
        this.epochBaseNs = epochBaseNs;
        this.monoBase = monoBase;
        this.lane = new DiskLane("nodeq-disk-lane-" + index, this::run);
    }

    public int index() {
        return index;
    }

    void start() {
        run(() -> {
            long scanMs = Math.max(1, options.queueScanInterval().toMillis());
            scanTimer = vertx.setPeriodic(scanMs, id -> run(this::scan));
            long syncMs = Math.max(1, options.syncTimeout().toMillis());
            syncTimer = vertx.setPeriodic(syncMs, id -> run(this::syncBackends));
        });
    }

    // ---- task plumbing ----

    /** Runs the task on this shard's context, then pumps what it made ready. */
    public void run(Runnable task) {
        ctx.runOnContext(v -> {
            if (closed) {
                return;
            }
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("shard {}: task failed", index, e);
            }
            afterTask();
        });
    }

    /** Runs {@code fn} on the shard and completes the future on the caller's context. */
    <T> Future<T> ask(Function<Shard, T> fn) {
        Context caller = Vertx.currentContext();
        Promise<T> promise = Promise.promise();
        run(() -> {
            T result;
            try {
                result = fn.apply(this);
            } catch (RuntimeException e) {
                complete(caller, () -> promise.fail(e));
                return;
            }
            complete(caller, () -> promise.complete(result));
        });
        return promise.future();
    }

    static void complete(Context caller, Runnable r) {
        if (caller == null) {
            r.run();
        } else {
            caller.runOnContext(v -> r.run());
        }
    }

    long nowMono() {
        return System.nanoTime();
    }

    long nowEpochNs() {
        return epochBaseNs + (System.nanoTime() - monoBase);
    }

    /** True once {@link #close} has drained this shard (on its context). */
    boolean isClosed() {
        return closed;
    }

    void markDirty(Channel c) {
        dirty.add(c);
    }

    void spilled(MessageQueue queue) {
        spilledQueues.add(queue);
    }

    /** Calls {@code waiter} once everything spilled by the current task is written (or failed). */
    void onDurable(java.util.function.Consumer<Throwable> waiter) {
        durableWaiters.add(waiter);
    }

    /** Pumps dirty channels, writes spilled messages, answers publishers waiting on the disk. */
    void afterTask() {
        for (int i = 0; i < dirty.size(); i++) {
            dirty.get(i).pump();
        }
        dirty.clear();
        if (spilledQueues.isEmpty()) {
            if (!durableWaiters.isEmpty()) {
                List<java.util.function.Consumer<Throwable>> waiters = new ArrayList<>(durableWaiters);
                durableWaiters.clear();
                waiters.forEach(w -> w.accept(null));
            }
            return;
        }
        List<MessageQueue> targets = new ArrayList<>(spilledQueues.size());
        List<List<Message>> batches = new ArrayList<>(spilledQueues.size());
        List<Integer> generations = new ArrayList<>(spilledQueues.size());
        for (MessageQueue q : spilledQueues) {
            if (q.spills.isEmpty()) {
                continue; // emptied or deleted since
            }
            targets.add(q);
            batches.add(new ArrayList<>(q.spills));
            generations.add(q.generation());
            q.spills.clear();
        }
        spilledQueues.clear();
        List<java.util.function.Consumer<Throwable>> waiters = new ArrayList<>(durableWaiters);
        durableWaiters.clear();
        java.util.concurrent.atomic.AtomicInteger written = new java.util.concurrent.atomic.AtomicInteger();
        PendingWrite pending = new PendingWrite(waiters);
        pendingWrites.add(pending);
        lane.submit(() -> {
            try {
                for (int i = 0; i < targets.size(); i++) {
                    targets.get(i).backend.put(batches.get(i));
                    written.incrementAndGet();
                }
            } catch (Throwable t) {
                pending.error = t;
                throw t;
            }
            return null;
        }, (ok, err) -> {
            pendingWrites.remove(pending);
            if (err != null) {
                storageFailed("write", err);
                // what was not written is not queued (its publishers get the error, as from nsqd)
                for (int i = written.get(); i < targets.size(); i++) {
                    targets.get(i).writeFailed(batches.get(i).size(), generations.get(i));
                }
            } else {
                broker.storageSucceeded();
            }
            waiters.forEach(w -> w.accept(err));
        });
    }

    void storageFailed(String what, Throwable err) {
        LOG.error("shard {}: storage {} failed: {}", index, what, err.toString());
        broker.storageFailed(err.getMessage() == null ? err.toString() : err.getMessage());
    }

    // ---- topics and channels ----

    Topic topic(String name) {
        return topics.get(name);
    }

    Topic getOrCreateTopic(String name) {
        Topic t = topics.get(name);
        if (t != null) {
            return t;
        }
        t = newTopic(name);
        Function<String, Future<List<String>>> lookup = broker.channelLookup();
        if (lookup != null && !t.ephemeral) {
            // Hold messages until the lookups tell which channels this topic has on other nodes,
            // so none of theirs is missed here (nsqd pre-creates them the same way, §1.14).
            Topic topic = t;
            topic.awaitingChannels = true;
            lookup.apply(name).onComplete(ar -> run(() -> {
                if (ar.succeeded() && !topic.deleted) {
                    for (String ch : ar.result()) {
                        if (Names.isValidChannelName(ch) && !Names.isEphemeral(ch)) {
                            getOrCreateChannel(topic, ch);
                        }
                    }
                }
                topic.awaitingChannels = false;
                topic.drain();
            }));
        }
        return t;
    }

    /** Creates a topic;. */
    Topic newTopic(String name) {
        boolean ephemeral = Names.isEphemeral(name);
        LazyBackend backend = ephemeral ? null : new LazyBackend(name, backends);
        Topic t = new Topic(name, ephemeral ? BackendQueue.DISCARD : backend, this);
        topics.put(name, t);
        LOG.info("TOPIC({}): created", name);
        if (backend != null) {
            openBackend(backend, depth -> {
                if (depth > 0) {
                    t.queue.addRestoredDepth(depth);
                    t.drain();
                }
            });
        }
        listener.topicCreated(name);
        listener.metadataChanged();
        return t;
    }

    Channel getOrCreateChannel(Topic t, String name) {
        Channel c = t.channel(name);
        if (c != null) {
            return c;
        }
        boolean ephemeral = Names.isEphemeral(name) || t.ephemeral;
        LazyBackend backend = ephemeral ? null : new LazyBackend(t.name + ":" + name, backends);
        Channel ch = new Channel(t, name, Names.isEphemeral(name) || t.ephemeral,
                ephemeral ? BackendQueue.DISCARD : backend, this);
        t.channels.put(name, ch);
        LOG.info("TOPIC({}): new channel({})", t.name, name);
        if (backend != null) {
            openBackend(backend, depth -> {
                if (depth > 0) {
                    ch.queue.addRestoredDepth(depth);
                    markDirty(ch);
                }
            });
        }
        listener.channelCreated(t.name, name);
        listener.metadataChanged();
        t.drain();
        return ch;
    }

    private void openBackend(LazyBackend backend, java.util.function.Consumer<Long> onDepth) {
        lane.submit(backend::open, (depth, err) -> {
            if (err != null) {
                storageFailed("open", err);
            } else {
                onDepth.accept(depth);
            }
        });
    }

    void deleteTopic(Topic t) {
        if (t.deleted) {
            return;
        }
        // set first: deleting an ephemeral topic's last channel below must not delete it again
        t.deleted = true;
        for (Channel c : new ArrayList<>(t.channels.values())) {
            deleteChannel(c);
        }
        topics.remove(t.name);
        t.queue.delete();
        LOG.info("TOPIC({}): deleted", t.name);
        listener.topicDeleted(t.name);
        listener.metadataChanged();
    }

    void deleteChannel(Channel c) {
        if (c.deleted) {
            return;
        }
        c.deleted = true;
        c.topic.channels.remove(c.name);
        for (Consumer consumer : new ArrayList<>(c.consumers)) {
            consumer.gone = true;
            consumer.link.close("channel " + c.topic.name + ":" + c.name + " deleted");
        }
        c.consumers.clear();
        c.queue.delete();
        LOG.info("CHANNEL({}:{}): deleted", c.topic.name, c.name);
        listener.channelDeleted(c.topic.name, c.name);
        listener.metadataChanged();
        // an ephemeral topic goes with its last channel, however that channel went (nsqd's
        // DeleteExistingChannel), not only when its last consumer left
        Topic t = c.topic;
        if (t.ephemeral && !t.deleted && t.channels.isEmpty()) {
            deleteTopic(t);
        }
    }

    /** A consumer left: ephemeral channels and topics vanish with their last client. */
    void removeConsumer(Consumer consumer) {
        Channel c = consumer.channel;
        if (c == null || consumer.gone) {
            return;
        }
        c.removeConsumer(consumer);
        if (c.ephemeral && Names.isEphemeral(c.name) && c.consumers.isEmpty() && !c.deleted) {
            deleteChannel(c);
        }
    }

    // ---- timers ----

    private void scan() {
        long now = nowMono();
        for (Topic t : topics.values()) {
            for (Channel c : t.channels.values()) {
                c.scan(now);
            }
        }
    }

    private void syncBackends() {
        List<BackendQueue> all = new ArrayList<>();
        for (Topic t : topics.values()) {
            all.add(t.queue.backend);
            for (Channel c : t.channels.values()) {
                all.add(c.queue.backend);
            }
        }
        lane.execute("sync", () -> {
            for (BackendQueue b : all) {
                b.syncIfDirty();
            }
            return null;
        });
    }

    void metadataChanged() {
        listener.metadataChanged();
    }

    List<TopicMetadata> metadata() {
        List<TopicMetadata> out = new ArrayList<>();
        for (Topic t : topics.values()) {
            if (t.ephemeral) {
                continue;
            }
            List<ChannelMetadata> channels = new ArrayList<>();
            for (Channel c : t.channels.values()) {
                if (!c.ephemeral) {
                    channels.add(new ChannelMetadata(c.name, c.paused));
                }
            }
            channels.sort(java.util.Comparator.comparing(ChannelMetadata::name));
            out.add(new TopicMetadata(t.name, t.paused, channels));
        }
        return out;
    }

    /** {topic} for a topic without channels, {topic, channel} for each channel. */
    List<String[]> registrations() {
        List<String[]> out = new ArrayList<>();
        for (Topic t : topics.values()) {
            if (t.channels.isEmpty()) {
                out.add(new String[] {t.name});
            }
            for (Channel c : t.channels.values()) {
                out.add(new String[] {t.name, c.name});
            }
        }
        return out;
    }

    void restore(TopicMetadata meta) {
        Topic t = topics.containsKey(meta.name()) ? topics.get(meta.name()) : newTopic(meta.name());
        t.paused = meta.paused();
        for (ChannelMetadata cm : meta.channels()) {
            Channel c = getOrCreateChannel(t, cm.name());
            c.paused = cm.paused();
        }
        t.drain();
    }

    // ---- stats and shutdown ----

    List<StatsSnapshot.TopicStats> stats(String topicFilter, String channelFilter, boolean includeClients) {
        long now = nowMono();
        List<StatsSnapshot.TopicStats> out = new ArrayList<>();
        for (Topic t : topics.values()) {
            if (topicFilter != null && !topicFilter.equals(t.name)) {
                continue;
            }
            if (channelFilter != null && t.channel(channelFilter) == null) {
                continue;
            }
            out.add(t.stats(channelFilter, includeClients, now));
        }
        return out;
    }

    /** Saves everything queued, in flight and deferred to the backends and closes them. */
    Future<Void> close() {
        Promise<Void> done = Promise.promise();
        ctx.runOnContext(v -> {
            closed = true;
            vertx.cancelTimer(scanTimer);
            vertx.cancelTimer(syncTimer);
            List<MessageQueue> queues = new ArrayList<>();
            List<List<Message>> batches = new ArrayList<>();
            for (Topic t : topics.values()) {
                for (Channel c : t.channels.values()) {
                    queues.add(c.queue);
                    batches.add(c.drainForShutdown());
                }
                queues.add(t.queue);
                batches.add(t.queue.drainForShutdown());
            }
            List<java.util.function.Consumer<Throwable>> waiters = new ArrayList<>(durableWaiters);
            durableWaiters.clear();
            // their completions come back as shard tasks, which a closed shard drops: answer them here
            List<PendingWrite> unanswered = new ArrayList<>(pendingWrites);
            pendingWrites.clear();
            lane.call(() -> {
                long saved = 0;
                for (int i = 0; i < queues.size(); i++) {
                    List<Message> batch = batches.get(i);
                    // a read-ahead that was still on the lane when we drained
                    batch.addAll(queues.get(i).takeUnclaimedRead());
                    BackendQueue target = queues.get(i).backend;
                    if (!batch.isEmpty()) {
                        target.put(batch);
                        saved += batch.size();
                    }
                    target.close();
                }
                if (saved > 0) {
                    LOG.info("shard {}: saved {} messages for the next start", index, saved);
                }
                return null;
            }).onComplete(ar -> {
                for (PendingWrite p : unanswered) {
                    p.waiters.forEach(w -> w.accept(p.error));
                }
                waiters.forEach(w -> w.accept(ar.cause()));
                done.handle(ar.mapEmpty());
            });
        });
        return done.future().eventually(() -> vertx.executeBlocking(() -> {
            lane.shutdown(30_000);
            return null;
        }, false).mapEmpty());
    }
}
