package io.nodeq.daemon.broker;

import io.nodeq.daemon.DaemonOptions;
import io.nodeq.daemon.log.CursorStore.CursorState;
import io.nodeq.daemon.log.TopicLog;
import io.nodeq.daemon.stats.StatsSnapshot;
import io.nodeq.daemon.storage.Metadata.ChannelMetadata;
import io.nodeq.daemon.storage.Metadata.TopicMetadata;
import io.nodeq.protocol.GoDuration;
import io.nodeq.protocol.Names;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * A shard owns the topics whose name hashes to it, their channels, in-flight and deferred
 * messages, with plain collections: every access runs on its event-loop context ({@link #run}).
 * Blocking file IO goes to its {@link DiskLane}. Timeouts and deferrals are scanned by one
 * periodic task, not a timer per message.
 *
 * <p>Writes are a group commit: whatever the shard's tasks appended to logs and cursor journals
 * while the lane was busy goes out as one lane job (one write per touched file, one fsync per
 * durable topic), and every publisher waiting on it is answered when it returns.
 *
 * <p>Owned by its context; other threads only call {@link #run} / {@link #ask}.
 */
public final class Shard {
    private static final Logger LOG = LoggerFactory.getLogger(Shard.class);
    /**
     * A memory-first topic with more records than {@link #unwrittenLimit} not yet written makes its
     * publishers wait: its --mem-queue-size, but at least this many...
     */
    private static final long UNWRITTEN_FLOOR = 4_096;
    /** ... and at most this many (a few MiB of records; bench.sh runs with --mem-queue-size=1000000). */
    private static final long UNWRITTEN_CEILING = 16_384;
    /**
     * Memory-first records alone wait this long for company before the lane writes them (their
     * publishers are answered and channels see them at once): under single PUBs that is one write
     * and one lane wake-up per few milliseconds instead of one per message. Well inside what
     * memory-first may lose to a crash (what came since the last --sync-timeout fsync).
     */
    private static final long WRITE_DELAY_MS = 5;
    /** ... unless this many records are waiting already. */
    private static final long WRITE_NOW_RECORDS = 1_024;
    /** A cursor journal this large is replaced by a snapshot. */
    private static final long SNAPSHOT_JOURNAL_BYTES = 4L << 20;

    final int index;
    final Context ctx;
    final DaemonOptions options;
    /** See {@link #unwrittenLimit(long)}. */
    private final long unwrittenLimit;
    final DiskLane lane;
    final Random random = new Random();
    private final Vertx vertx;
    private final BrokerStorage storage;
    private final BrokerListener listener;
    private final ShardedBroker broker;
    private final BrokerClock clock;

    final Map<String, Topic> topics = new HashMap<>();
    /** The direct-memory slabs of this shard's hot tails. */
    final Slabs slabs = new Slabs();
    private final List<Channel> dirty = new ArrayList<>();
    private final List<Topic> writeTopics = new ArrayList<>();
    private final List<Channel> journalChannels = new ArrayList<>();
    /** Memory-first topics whose write failed: their records wait in memory for the next try. */
    private final List<Topic> failedTopics = new ArrayList<>();
    private List<java.util.function.Consumer<Throwable>> nextWaiters = new ArrayList<>();
    private final List<java.util.function.Consumer<Throwable>> immediateWaiters = new ArrayList<>();
    private boolean appendedThisTask;
    /** Group writes handed to the lane and not yet answered, oldest first (shard-owned). */
    private final java.util.ArrayDeque<WriteJob> inFlightJobs = new java.util.ArrayDeque<>();
    /** Handed from the shard to the lane: the lane takes every job queued when it gets to them. */
    private final java.util.concurrent.ConcurrentLinkedQueue<WriteJob> laneQueue = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicBoolean drainScheduled = new java.util.concurrent.atomic.AtomicBoolean();
    private long scanTimer = -1;
    private long syncTimer = -1;
    private long writeTimer = -1;
    private boolean closed;

    Shard(int index, Vertx vertx, Context ctx, DaemonOptions options, BrokerStorage storage,
          BrokerListener listener, ShardedBroker broker, BrokerClock clock) {
        this.index = index;
        this.vertx = vertx;
        this.ctx = ctx;
        this.options = options;
        this.storage = storage;
        this.listener = listener;
        this.broker = broker;
        this.clock = clock;
        // lane completions run as shard tasks: the catch, the closed check and afterTask apply
        this.lane = new DiskLane("nodeq-disk-lane-" + index, options.schedSlice().toNanos(), this::run);
        this.unwrittenLimit = unwrittenLimit(options.memQueueSize());
    }

    public int index() {
        return index;
    }

    void start() {
        run(() -> {
            long scanMs = Math.max(1, options.queueScanInterval().toMillis());
            scanTimer = vertx.setPeriodic(scanMs, id -> run(this::scan));
            long syncMs = Math.max(1, options.syncTimeout().toMillis());
            syncTimer = vertx.setPeriodic(syncMs, id -> run(this::syncTick));
        });
    }

    // ---- task plumbing ----

    /** Runs the task on this shard's context, then pumps what it made ready. */
    public void run(Runnable task) {
        ctx.runOnContext(v -> runNow(task));
    }

    private void runNow(Runnable task) {
        if (closed) {
            return;
        }
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.error("shard {}: task failed", index, e);
        }
        afterTask();
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

    /** Runs {@code work} on the disk lane, then {@code done} as a task of this shard (dropped once closed). */
    <T> void onLane(Callable<T> work, BiConsumer<T, Throwable> done) {
        lane.submit(work, done);
    }

    /** The whole broker: a channel publishes its dead letters through it, to any shard. */
    ShardedBroker broker() {
        return broker;
    }

    long nowMono() {
        return clock.nanoTime();
    }

    long nowEpochNs() {
        return clock.epochNanos();
    }

    long nowEpochMs() {
        return clock.epochMillis();
    }

    /**
     * How many records of a memory-first topic may wait for the lane before its publishers wait
     * too: the topic's --mem-queue-size, what nsqd's memory-first may lose to a crash as well,
     * within [4,096, 16,384]. A slow fsync on the lane (ext4 on this box: up to 100 ms now and then)
     * holds the writes queued behind it; at 50k msgs/s that is 5,000 records, which a fixed limit
     * of 4,096 turned into publishers answered tens of milliseconds late. (The JIT warm-up sends one
     * MPUB larger than its scratch daemon's limit now and then, so that C2 keeps that path.)
     */
    public static long unwrittenLimit(long memQueueSize) {
        return Math.max(UNWRITTEN_FLOOR, Math.min(UNWRITTEN_CEILING, memQueueSize));
    }

    /** True once {@link #close} has drained this shard (on its context). */
    boolean isClosed() {
        return closed;
    }

    void markDirty(Channel c) {
        dirty.add(c);
    }

    /** The topic appended records that the next group write must carry. */
    void needsWrite(Topic t) {
        if (t.durable() || t.tail.endSeq() - t.writtenSeq > unwrittenLimit) {
            // durable: its publishers wait for the fsync; memory-first: for the lane to catch up,
            // so that what a crash of the process can take stays small
            appendedThisTask = true;
        }
        if (!writeTopics.contains(t)) {
            writeTopics.add(t);
        }
    }

    /** The channel has cursor events for the journal (written with the next group write or tick). */
    void journalChanged(Channel c) {
        journalChannels.add(c);
    }

    /**
     * Calls {@code waiter} once the records the current task appended are written (fsynced for a
     * durable topic), or failed; at once when it appended none.
     */
    void onDurable(java.util.function.Consumer<Throwable> waiter) {
        if (appendedThisTask) {
            nextWaiters.add(waiter);
        } else {
            immediateWaiters.add(waiter);
        }
    }

    /** Pumps dirty channels, starts the next group write, answers publishers that need no disk. */
    void afterTask() {
        for (int i = 0; i < dirty.size(); i++) {
            dirty.get(i).pump();
        }
        dirty.clear();
        if (!writeTopics.isEmpty()) {
            writeSoon();
        }
        appendedThisTask = false;
        if (!immediateWaiters.isEmpty()) {
            List<java.util.function.Consumer<Throwable>> waiters = new ArrayList<>(immediateWaiters);
            immediateWaiters.clear();
            waiters.forEach(w -> w.accept(null));
        }
    }

    /** What one topic hands to one group write. */
    private static final class TopicWrite {
        final Topic topic;
        /** The records, and the references that keep their slabs until the shard hears the write finished. */
        final HotTail.Held held;
        final long endSeq;
        final long count;
        /** The topic's write epoch: a write queued before a failure of its topic is refused on the lane. */
        final int epoch;
        final List<String> channels = new ArrayList<>();
        final List<byte[]> journals = new ArrayList<>();
        IOException error;
        long nextSeqAfterError;
        final List<String> snapshotDue = new ArrayList<>();

        TopicWrite(Topic topic, HotTail.Held held, long endSeq, long count) {
            this.topic = topic;
            this.held = held;
            this.endSeq = endSeq;
            this.count = count;
            this.epoch = topic.writeEpoch;
        }

        /** The topic's records not yet handed to the lane. */
        static TopicWrite of(Topic t) {
            long from = t.submittedSeq;
            long end = t.tail.endSeq();
            t.submittedSeq = end;
            return new TopicWrite(t, t.tail.regionsFrom(from), end, end - from);
        }
    }

    /**
     * Hands the pending writes to the lane now when someone waits on them (a durable publish, a
     * backlog over {@link #unwrittenLimit}) or many records are pending, else within
     * {@link #WRITE_DELAY_MS}.
     */
    private void writeSoon() {
        if (!nextWaiters.isEmpty() || manyUnwritten()) {
            submitWrite();
        } else if (writeTimer < 0 && !closed) {
            writeTimer = vertx.setTimer(WRITE_DELAY_MS, id -> run(() -> {
                writeTimer = -1;
                if (!writeTopics.isEmpty()) {
                    submitWrite();
                }
            }));
        }
    }

    private boolean manyUnwritten() {
        for (int i = 0; i < writeTopics.size(); i++) {
            Topic t = writeTopics.get(i);
            if (t.durable() || t.tail.endSeq() - t.submittedSeq >= WRITE_NOW_RECORDS) {
                return true;
            }
        }
        return false;
    }

    private void submitWrite() {
        if (closed) {
            return;
        }
        if (writeTimer >= 0) {
            vertx.cancelTimer(writeTimer);
            writeTimer = -1;
        }
        Map<Topic, TopicWrite> byTopic = new java.util.LinkedHashMap<>();
        for (Topic t : writeTopics) {
            if (!t.deleted && t.files != null) {
                byTopic.put(t, TopicWrite.of(t));
            }
        }
        writeTopics.clear();
        collectJournals(byTopic);
        if (byTopic.isEmpty()) {
            List<java.util.function.Consumer<Throwable>> waiters = nextWaiters;
            nextWaiters = new ArrayList<>();
            waiters.forEach(w -> w.accept(null));
            return;
        }
        List<java.util.function.Consumer<Throwable>> waiters = nextWaiters;
        nextWaiters = new ArrayList<>();
        startWrite(new ArrayList<>(byTopic.values()), waiters);
    }

    /** One hand-over to the lane: the writes and the publishers waiting on them. */
    private record WriteJob(List<TopicWrite> writes, List<java.util.function.Consumer<Throwable>> waiters) {
    }

    /**
     * Queues the writes for the lane. The lane takes every job queued by the time it gets to them,
     * writes them all, then fsyncs each file once: group commit without the lane ever waiting for
     * the shard to hand it the next batch.
     */
    private void startWrite(List<TopicWrite> writes, List<java.util.function.Consumer<Throwable>> waiters) {
        WriteJob job = new WriteJob(writes, waiters);
        inFlightJobs.add(job);
        laneQueue.add(job);
        if (drainScheduled.compareAndSet(false, true)) {
            long syncEvery = options.syncEvery();
            lane.submit(() -> drainOnLane(syncEvery), (jobs, err) -> {
                for (WriteJob done : jobs) {
                    inFlightJobs.remove(done);
                    writeDone(done.writes(), done.waiters());
                }
            });
        }
    }

    /** On the lane: every queued job's appends and journals, then one fsync per file that needs it. */
    private List<WriteJob> drainOnLane(long syncEvery) {
        drainScheduled.set(false); // a job queued from now on schedules the next drain
        List<WriteJob> jobs = new ArrayList<>();
        for (WriteJob j = laneQueue.poll(); j != null; j = laneQueue.poll()) {
            jobs.add(j);
        }
        // durable: fsynced here, before its publishers hear; memory-first: every --sync-every
        // records, by the lane's sync thread while the lane goes on writing
        java.util.Map<TopicFiles, List<TopicWrite>> toForce = new java.util.IdentityHashMap<>();
        java.util.Map<TopicFiles, List<TopicWrite>> toSync = new java.util.IdentityHashMap<>();
        for (WriteJob job : jobs) {
            for (TopicWrite w : job.writes()) {
                if (!writeOnLane(w)) {
                    continue;
                }
                if (w.topic.durable()) {
                    toForce.computeIfAbsent(w.topic.files, f -> new ArrayList<>()).add(w);
                } else if (w.topic.files.unsynced >= syncEvery) {
                    toSync.computeIfAbsent(w.topic.files, f -> new ArrayList<>()).add(w);
                }
            }
        }
        for (var e : toForce.entrySet()) {
            try {
                e.getKey().force();
            } catch (IOException err) {
                e.getValue().forEach(w -> failed(w, err));
            }
        }
        for (var e : toSync.entrySet()) {
            try {
                e.getKey().syncInBackground(lane);
            } catch (IOException err) {
                e.getValue().forEach(w -> failed(w, err));
            }
        }
        return jobs;
    }

    private void collectJournals(Map<Topic, TopicWrite> byTopic) {
        for (Channel c : journalChannels) {
            if (c.deleted || c.events == null || c.topic.files == null) {
                continue;
            }
            byte[] events = c.takeJournal();
            if (events == null) {
                continue;
            }
            TopicWrite w = byTopic.computeIfAbsent(c.topic, t -> new TopicWrite(t, HotTail.Held.NONE, t.writtenSeq, 0));
            w.channels.add(c.name);
            w.journals.add(events);
        }
        journalChannels.clear();
    }

    /** On the lane: appends and journals; false when the write failed (or was refused). */
    private static boolean writeOnLane(TopicWrite w) {
        TopicFiles files = w.topic.files;
        if (w.epoch <= files.failedEpoch) {
            // queued before its topic's failure was known: the shard sends those records again
            failed(w, files.failure);
            return false;
        }
        try {
            if (!w.held.regions().isEmpty()) {
                files.append(w.held.regions(), w.topic.durable());
                files.unsynced += w.count;
            }
            for (int i = 0; i < w.channels.size(); i++) {
                byte[] ev = w.journals.get(i);
                var store = files.cursor(w.channels.get(i));
                store.append(ev, 0, ev.length);
                if (store.journalBytes() > SNAPSHOT_JOURNAL_BYTES) {
                    w.snapshotDue.add(w.channels.get(i));
                }
            }
            return true;
        } catch (IOException | RuntimeException e) {
            files.failedEpoch = w.epoch;
            files.failure = e instanceof IOException io ? io : new IOException(e.toString(), e);
            failed(w, files.failure);
            return false;
        }
    }

    private static void failed(TopicWrite w, IOException e) {
        if (w.error != null) {
            return;
        }
        w.error = e;
        try {
            w.nextSeqAfterError = w.topic.files.log().nextSeq();
        } catch (IOException again) {
            w.nextSeqAfterError = -1;
        }
    }

    /** On the shard: records become visible, publishers get their answers. */
    private void writeDone(List<TopicWrite> writes, List<java.util.function.Consumer<Throwable>> waiters) {
        Throwable failure = null;
        for (TopicWrite w : writes) {
            w.held.release(); // the lane is done with the bytes, whatever became of the write
            Topic t = w.topic;
            if (w.error == null) {
                if (t.writeError != null) {
                    LOG.info("TOPIC({}): writing again after: {}", t.name, t.writeError);
                }
                if (!t.deleted) {
                    t.written(w.endSeq);
                    for (String ch : w.snapshotDue) {
                        Channel c = t.channel(ch);
                        if (c != null && !c.deleted) {
                            snapshot(c);
                        }
                    }
                }
                continue;
            }
            failure = w.error;
            if (t.writeError == null) {
                storageFailed("write " + t.name, w.error); // once per outage, not once per retry
            } else {
                broker.storageFailed(t.writeError);
            }
            if (t.deleted || w.epoch != t.writeEpoch) {
                continue; // a write refused for an earlier failure: its records are handled already
            }
            boolean pendingLost = t.durable() && t.tail.endSeq() > w.endSeq;
            t.writeFailed(w.error.getMessage() == null ? w.error.toString() : w.error.getMessage(),
                    w.nextSeqAfterError < 0 ? t.writtenSeq : w.nextSeqAfterError, w.endSeq - w.count);
            if (t.durable()) {
                writeTopics.remove(t);
                // the publishers of the records appended since are answered with the error too
                if (pendingLost) {
                    List<java.util.function.Consumer<Throwable>> lost = nextWaiters;
                    nextWaiters = new ArrayList<>();
                    Throwable err = w.error;
                    lost.forEach(l -> l.accept(err));
                }
            } else {
                failedTopics.add(t); // tried again on the next sync tick
            }
        }
        if (failure == null) {
            broker.storageSucceeded();
        }
        Throwable result = failure;
        waiters.forEach(w -> w.accept(result));
        if (!writeTopics.isEmpty()) {
            writeSoon();
        }
    }

    /**
     * Hands the journal events of the current task to the lane now and fsyncs the channel's
     * cursor after them; {@code done} runs as a shard task (not at all once the shard closed).
     */
    void persistCursor(Channel c, java.util.function.Consumer<Throwable> done) {
        submitJournalsOnly();
        TopicFiles files = c.topic.files;
        String name = c.name;
        // the lane runs jobs in order: the write queued above is on disk before this force
        lane.submit(() -> {
            files.cursor(name).force();
            return null;
        }, (v, err) -> done.accept(err));
    }

    /** Replaces a channel's journal with a snapshot of its cursor (on the lane, in order). */
    private void snapshot(Channel c) {
        CursorState state = c.snapshot();
        TopicFiles files = c.topic.files;
        String name = c.name;
        lane.execute("snapshot " + c.topic.name + ":" + name, () -> {
            files.cursor(name).snapshot(state);
            return null;
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
        return getOrCreateTopic(name, null);
    }

    /** {@code durability} null: the daemon's default. An existing topic keeps its level. */
    Topic getOrCreateTopic(String name, Durability durability) {
        return getOrCreateTopic(name, durability, TopicSettings.Update.NONE);
    }

    /**
     * {@code durability} null: the daemon's default; an existing topic keeps its level but takes
     * the settings {@code update} names.
     */
    Topic getOrCreateTopic(String name, Durability durability, TopicSettings.Update update) {
        Topic t = topics.get(name);
        if (t != null) {
            configure(t, update);
            return t;
        }
        t = newTopic(name, durability == null ? storage.defaultDurability() : durability, 0);
        t.settings = TopicSettings.NONE.apply(update);
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
                topic.fanOut();
            }));
        }
        return t;
    }

    private Topic newTopic(String name, Durability durability, long nextSeq) {
        boolean ephemeral = Names.isEphemeral(name);
        TopicFiles files = ephemeral ? null : storage.filesFor(name);
        Topic t = new Topic(name, durability, this, files, nextSeq);
        topics.put(name, t);
        LOG.info("TOPIC({}): created ({})", name, t.durability.flagValue());
        listener.topicCreated(name);
        listener.metadataChanged();
        return t;
    }

    /** Applies a {@code /topic/config} change; logged and saved in nsqd.dat when it changes anything. */
    void configure(Topic t, TopicSettings.Update update) {
        if (update.isEmpty()) {
            return; // every PUB comes through here: no allocation
        }
        TopicSettings next = t.settings.apply(update);
        if (!next.equals(t.settings)) {
            t.settings = next;
            LOG.info("TOPIC({}): dedup_window {} retention {}", t.name, GoDuration.format(next.dedupWindow()),
                    GoDuration.format(next.retention()));
            listener.metadataChanged();
        }
    }

    /** Applies a {@code /channel/config} change; logged and saved in nsqd.dat when it changes anything. */
    void configure(Channel c, ChannelSettings.Update update) {
        if (update.isEmpty()) {
            return; // every SUB comes through here
        }
        ChannelSettings next = c.settings.apply(update);
        if (!next.equals(c.settings)) {
            c.settings = next;
            LOG.info("CHANNEL({}:{}): max_attempts {} dead_letter_topic {}", c.topic.name, c.name, next.maxAttempts(),
                    next.hasDeadLetterTopic() ? next.deadLetterTopic() : "(none)");
            listener.metadataChanged();
        }
    }

    Channel getOrCreateChannel(Topic t, String name) {
        return getOrCreateChannel(t, name, ChannelSettings.Update.NONE);
    }

    /** A new channel starts with the daemon's defaults changed by {@code update}; an existing one takes the update. */
    Channel getOrCreateChannel(Topic t, String name, ChannelSettings.Update update) {
        Channel c = t.channel(name);
        if (c != null) {
            configure(c, update);
            return c;
        }
        boolean ephemeral = Names.isEphemeral(name) || t.ephemeral;
        Channel ch = Channel.create(t, name, ephemeral, this, t.channelStart());
        ch.settings = defaultChannelSettings(t.name).apply(update);
        t.channels.put(name, ch);
        LOG.info("TOPIC({}): new channel({})", t.name, name);
        listener.channelCreated(t.name, name);
        listener.metadataChanged();
        t.fanOut();
        return ch;
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
        writeTopics.remove(t);
        t.tail.reset(t.tail.endSeq()); // its slabs go once the lane writes in flight are done with them
        if (t.files != null) {
            TopicFiles files = t.files;
            lane.execute("delete " + t.name, () -> {
                files.delete();
                return null;
            });
        }
        LOG.info("TOPIC({}): deleted", t.name);
        listener.topicDeleted(t.name);
        listener.metadataChanged();
    }

    void deleteChannel(Channel c) {
        if (c.deleted) {
            return;
        }
        c.markDeleted();
        c.topic.channels.remove(c.name);
        for (Consumer consumer : new ArrayList<>(c.consumers)) {
            consumer.gone = true;
            consumer.link.close("channel " + c.topic.name + ":" + c.name + " deleted");
        }
        c.consumers.clear();
        if (!c.ephemeral && c.topic.files != null && !c.topic.deleted) {
            TopicFiles files = c.topic.files;
            String name = c.name;
            lane.execute("delete " + c.topic.name + ":" + name, () -> {
                files.deleteChannel(name);
                return null;
            });
        }
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

    void scan() {
        long now = nowMono();
        for (Topic t : topics.values()) {
            t.expireDedup();
            for (Channel c : t.channels.values()) {
                c.scan(now);
            }
        }
        // cursor events that no publish carried along: one lane write for all of them
        if (!journalChannels.isEmpty()) {
            submitJournalsOnly();
        }
    }

    private void submitJournalsOnly() {
        Map<Topic, TopicWrite> byTopic = new java.util.LinkedHashMap<>();
        collectJournals(byTopic);
        if (byTopic.isEmpty()) {
            return;
        }
        startWrite(new ArrayList<>(byTopic.values()), List.of());
    }

    /**
     * --sync-timeout (and once at start): fsync what memory-first topics wrote since, and drop the
     * segments nobody needs, past retention ({@link RetentionPass}).
     */
    private void syncTick() {
        if (!failedTopics.isEmpty()) {
            for (Topic t : failedTopics) {
                if (!t.deleted) {
                    needsWrite(t);
                }
            }
            failedTopics.clear();
            submitWrite();
        }
        RetentionPass pass = RetentionPass.of(topics.values(), nowEpochNs());
        if (!pass.isEmpty()) {
            lane.submit(() -> pass.runOnLane(lane), (retained, err) -> {
                if (retained != null) {
                    RetentionPass.apply(retained);
                }
            });
        }
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
                    ChannelSettings cs = c.settings;
                    channels.add(new ChannelMetadata(c.name, c.paused, cs.maxAttempts() == 0 ? null : cs.maxAttempts(),
                            cs.hasDeadLetterTopic() ? cs.deadLetterTopic() : null));
                }
            }
            channels.sort(java.util.Comparator.comparing(ChannelMetadata::name));
            TopicSettings ts = t.settings;
            out.add(new TopicMetadata(t.name, t.paused, channels, t.durability.flagValue(),
                    ts.dedupWindow().isZero() ? null : GoDuration.format(ts.dedupWindow()),
                    ts.retention().isZero() ? null : GoDuration.format(ts.retention())));
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

    // ---- restore at start ----

    /** What the lane found of one topic at start. */
    private record Found(String name, TopicMetadata meta, TopicFiles files, long firstSeq, long nextSeq,
                         Map<String, CursorState> cursors, TopicSettings settings, List<DedupWindow.Key> dedupKeys,
                         long redriveMark) {
    }

    /**
     * Opens the logs and cursors of this shard's topics: those in nsqd.dat and any found on disk
     * (a topic created just before a crash may be missing from nsqd.dat), then builds them here.
     */
    Future<Void> restore(List<TopicMetadata> metas) {
        Promise<Void> done = Promise.promise();
        long nowNs = nowEpochNs();
        lane.submit(() -> {
            Map<String, TopicMetadata> byName = new java.util.LinkedHashMap<>();
            for (TopicMetadata m : metas) {
                byName.put(m.name(), m);
            }
            Path dir = storage.topicsDir();
            if (Files.isDirectory(dir)) {
                try (var s = Files.list(dir)) {
                    for (Path p : s.toList()) {
                        String name = p.getFileName().toString();
                        if (Names.isValidTopicName(name) && !Names.isEphemeral(name)
                                && broker.shardFor(name) == this && !byName.containsKey(name)) {
                            LOG.info("TOPIC({}): found on disk, not in nsqd.dat: restoring it", name);
                            byName.put(name, new TopicMetadata(name, false, List.of(), null));
                        }
                    }
                }
            }
            List<Found> found = new ArrayList<>();
            for (TopicMetadata m : byName.values()) {
                if (Names.isEphemeral(m.name())) {
                    continue;
                }
                TopicFiles files = storage.filesFor(m.name());
                TopicLog log = files.log();
                List<String> channels = new ArrayList<>();
                for (ChannelMetadata cm : m.channels()) {
                    channels.add(cm.name());
                }
                for (String ch : files.channelsOnDisk()) {
                    if (!channels.contains(ch) && Names.isValidChannelName(ch) && !Names.isEphemeral(ch)) {
                        channels.add(ch);
                    }
                }
                Map<String, CursorState> cursors = new java.util.LinkedHashMap<>();
                for (String ch : channels) {
                    cursors.put(ch, files.recover(ch));
                }
                TopicSettings settings = restoredSettings(m);
                long windowNs = settings.dedupWindow().toNanos();
                // the keys stored within the window survive a crash: what reached the log
                List<DedupWindow.Key> keys = windowNs > 0 ? DedupRecovery.keysSince(log, nowNs - windowNs) : List.of();
                if (!keys.isEmpty()) {
                    LOG.info("TOPIC({}): {} Nodeq-Msg-Id keys of the last {} read back from the log", m.name(),
                            keys.size(), GoDuration.format(settings.dedupWindow()));
                }
                found.add(new Found(m.name(), m, files, log.firstSeq(), log.nextSeq(), cursors, settings, keys,
                        files.redriveMark()));
            }
            return found;
        }, (found, err) -> {
            if (err != null) {
                storageFailed("open", err);
                done.fail(err);
                return;
            }
            for (Found f : found) {
                restoreTopic(f);
            }
            syncTick(); // what a topic's retention let go while the daemon was down
            done.complete();
        });
        return done.future();
    }

    private void restoreTopic(Found f) {
        Durability d = f.meta.durability() == null ? storage.defaultDurability() : Durability.parse(f.meta.durability());
        Topic t = new Topic(f.name, d == null ? storage.defaultDurability() : d, this, f.files, f.nextSeq);
        // what is on disk is written; a topic without channels holds all of it for its first channel
        t.visibleSeq = f.firstSeq;
        t.writtenSeq = f.nextSeq;
        t.paused = f.meta.paused();
        t.settings = f.settings;
        t.dedup.load(f.dedupKeys);
        if (f.redriveMark > 0) {
            // what a redrive sent back stays dropped from what the topic holds for its first channel
            // (never past the log's end: seqs a power loss took are given to new messages)
            t.redriveMark = Math.min(f.redriveMark, f.nextSeq);
            t.emptyBelow(t.redriveMark);
        }
        topics.put(f.name, t);
        listener.topicCreated(f.name);
        long messages = f.nextSeq - f.firstSeq;
        LOG.info("TOPIC({}): restored ({}, {} messages in the log from seq {})", f.name, t.durability.flagValue(),
                messages, f.firstSeq);
        for (Map.Entry<String, CursorState> e : f.cursors.entrySet()) {
            Channel c = Channel.restore(t, e.getKey(), this, e.getValue(), f.firstSeq, f.nextSeq);
            if (c.needsSnapshot) {
                LOG.warn("CHANNEL({}:{}): its cursor named messages beyond the log's end (seq {}); "
                        + "the log lost its unsynced tail: cursor trimmed", t.name, c.name, f.nextSeq);
                c.needsSnapshot = false;
                snapshot(c);
            }
            c.settings = defaultChannelSettings(t.name);
            for (ChannelMetadata cm : f.meta.channels()) {
                if (cm.name().equals(e.getKey())) {
                    c.paused = cm.paused();
                    if (cm.maxAttempts() != null || cm.deadLetterTopic() != null) {
                        c.settings = new ChannelSettings(cm.maxAttempts() == null ? 0 : cm.maxAttempts(),
                                cm.deadLetterTopic());
                    }
                }
            }
            t.channels.put(c.name, c);
            listener.channelCreated(t.name, c.name);
            c.loadRecoveredDeferred();
            markDirty(c);
        }
        if (!t.channels.isEmpty()) {
            // the channels' cursors say what each still has to deliver: everything is visible
            t.visibleSeq = f.nextSeq;
        }
    }

    private ChannelSettings defaultChannelSettings(String topic) {
        return ChannelSettings.defaults(topic, options.maxAttempts(), options.deadLetterSuffix());
    }

    /** The topic's settings as nsqd.dat kept them; a value that no longer parses is logged and off. */
    private static TopicSettings restoredSettings(TopicMetadata meta) {
        return new TopicSettings(restoredDuration(meta.name(), "dedup_window", meta.dedupWindow()),
                restoredDuration(meta.name(), "retention", meta.retention()));
    }

    private static java.time.Duration restoredDuration(String topic, String what, String value) {
        if (value == null || value.isEmpty()) {
            return java.time.Duration.ZERO;
        }
        try {
            java.time.Duration d = GoDuration.parse(value);
            return d.isNegative() ? java.time.Duration.ZERO : d;
        } catch (IllegalArgumentException e) {
            LOG.warn("TOPIC({}): ignoring {} {} from nsqd.dat: {}", topic, what, value, e.getMessage());
            return java.time.Duration.ZERO;
        }
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

    /**
     * Writes what is pending, snapshots every channel's cursor (in-flight and deferred messages
     * included, so they are delivered again after the start), fsyncs and closes the files.
     */
    Future<Void> close() {
        Promise<Void> done = Promise.promise();
        ctx.runOnContext(v -> {
            vertx.cancelTimer(scanTimer);
            vertx.cancelTimer(syncTimer);
            vertx.cancelTimer(writeTimer);
            // once closed, lane completions no longer run here: whoever waits on the group write
            // on the lane, or on records not handed to it yet, is answered by the final lane job
            List<WriteJob> onLane = new ArrayList<>(inFlightJobs);
            inFlightJobs.clear();
            List<TopicWrite> last = new ArrayList<>();
            for (Topic t : writeTopics) {
                if (!t.deleted && t.files != null) {
                    last.add(TopicWrite.of(t));
                }
            }
            writeTopics.clear();
            List<java.util.function.Consumer<Throwable>> lastWaiters = nextWaiters;
            nextWaiters = new ArrayList<>();
            closed = true;
            List<TopicFiles> files = new ArrayList<>();
            List<String> names = new ArrayList<>();
            List<CursorState> states = new ArrayList<>();
            List<TopicFiles> owners = new ArrayList<>();
            for (Topic t : topics.values()) {
                if (t.files == null) {
                    continue;
                }
                files.add(t.files);
                for (Channel c : t.channels.values()) {
                    if (!c.ephemeral) {
                        names.add(c.name);
                        states.add(c.snapshot()); // covers its journal events too
                        owners.add(t.files);
                    }
                }
            }
            long syncEvery = options.syncEvery();
            // the last group write, then the snapshots, then fsync and close: one lane job, in order
            lane.call(() -> {
                drainOnLane(syncEvery); // queued jobs whose drain completion this closed shard drops
                for (TopicWrite w : last) {
                    writeOnLane(w);
                }
                for (int i = 0; i < names.size(); i++) {
                    owners.get(i).cursor(names.get(i)).snapshot(states.get(i));
                }
                for (TopicFiles f : files) {
                    f.close();
                }
                if (!names.isEmpty()) {
                    LOG.info("shard {}: saved the cursors of {} channels", index, names.size());
                }
                return null;
            }).onComplete(ar -> ctx.runOnContext(onShard -> {
                // the lane is done with every region: the slabs can go
                releaseSlabs(onLane, last);
                Throwable failed = ar.failed() ? ar.cause() : null;
                for (WriteJob job : onLane) {
                    Throwable jobError = firstError(job.writes());
                    job.waiters().forEach(w -> w.accept(jobError));
                }
                Throwable lastError = failed != null ? failed : firstError(last);
                lastWaiters.forEach(w -> w.accept(lastError));
                if (failed != null) {
                    done.fail(failed);
                } else {
                    done.complete();
                }
            }));
        });
        return done.future().eventually(() -> vertx.executeBlocking(() -> {
            lane.shutdown(30_000);
            return null;
        }, false).mapEmpty());
    }

    /**
     * On the closed shard, once the lane wrote its last: every holder lets go of its slabs (the
     * writes whose completion the closed shard dropped, the channels' messages, the tails), then
     * any slab still live is one somebody forgot to release: said loudly, and freed.
     */
    private void releaseSlabs(List<WriteJob> onLane, List<TopicWrite> last) {
        for (WriteJob job : onLane) {
            job.writes().forEach(w -> w.held.release());
        }
        last.forEach(w -> w.held.release());
        for (Topic t : topics.values()) {
            for (Channel c : t.channels.values()) {
                c.dropMessages();
            }
            t.tail.reset(t.tail.endSeq());
        }
        long bytes = slabs.bytes();
        int leaked = slabs.freeAll();
        if (leaked > 0) {
            LOG.warn("shard {}: {} hot-tail slabs ({} bytes) were still referenced at shutdown: freed", index, leaked,
                    bytes);
        }
    }

    private static Throwable firstError(List<TopicWrite> writes) {
        for (TopicWrite w : writes) {
            if (w.error != null) {
                return w.error;
            }
        }
        return null;
    }
}
