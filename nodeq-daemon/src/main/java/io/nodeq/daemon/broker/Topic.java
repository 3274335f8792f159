package io.nodeq.daemon.broker;

import io.netty.buffer.ByteBuf;
import io.nodeq.daemon.log.LogRecord;
import io.nodeq.daemon.stats.StatsSnapshot;
import io.nodeq.protocol.Bodies;
import io.nodeq.protocol.Headers;
import io.nodeq.protocol.IdGenerator;
import io.nodeq.protocol.Names;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A topic: one append-only log (its {@link HotTail} in memory, its {@link TopicFiles} on the disk
 * lane) that every channel reads with a cursor of its own. A message is written once, whatever
 * the number of channels.
 *
 * <pre>
 *   seq:  firstSeq ........ visibleSeq ........ writtenSeq ... submittedSeq ... endSeq
 *         |  read by channels |  held (no channel, |  on the lane  | in the tail only |
 *         |  (each its cursor)|  paused, awaiting) |               |                  |
 * </pre>
 *
 * Memory-first (NSQ's level): a record is acknowledged and visible to channels once it is in the
 * tail; the lane writes it soon after (a crash of the process loses nothing written, a power loss
 * what came since the last fsync). If a write fails, the records stay in the tail, the write is
 * tried again, and new publishes are refused until it succeeds. Durable: a record is acknowledged
 * and visible only once written and fsynced; a failed write is rolled back and its publishers get
 * the error. While the topic has no channel, is paused or waits for the lookups' channel list,
 * {@code visibleSeq} stays put and the records past it are the topic's own depth
 * (nsq-protocol.md §1.14, pitfall 11).
 *
 * <p>Owned by its shard's context; reach it only through shard tasks.
 */
public final class Topic {
    final String name;
    final boolean ephemeral;
    final Durability durability;
    private final Shard shard;
    private final IdGenerator ids;
    final Map<String, Channel> channels = new LinkedHashMap<>();
    final HotTail tail;
    /** The log and cursor files; touched only on the disk lane. Null for an ephemeral topic. */
    final TopicFiles files;

    /** Records below this are in the log (in the tail only, for an ephemeral topic). */
    long writtenSeq;
    /** Records below this were handed to the lane. */
    long submittedSeq;
    /** A memory-first topic whose last write failed refuses publishes until a write succeeds. */
    String writeError;
    /** Bumped by every failed write: writes queued before it are refused on the lane. */
    int writeEpoch;
    /** Records below this have been handed to the channels. */
    long visibleSeq;
    /** Held records below this were dropped by an empty of the topic. */
    private long emptiedTo;
    /** DPUB records not yet visible: each channel defers them when they become visible. */
    private final LongQueue deferredSeqs = new LongQueue();
    /** Redriven records not yet visible: every channel but the target passes over them then. */
    private final LongQueue targetedSeqs = new LongQueue();
    /** Records below this were redriven (or skipped) by {@code /topic/redrive}; kept in the topic's directory. */
    long redriveMark;
    /** The last {@code /topic/redrive} asked for, running or waiting: redrives of one topic run one after another. */
    Redrive lastRedrive;

    boolean paused;
    /** Dedup window and retention (nodeq extensions); replaced whole by {@code /topic/config}. */
    TopicSettings settings = TopicSettings.NONE;
    /** Publishes answered OK but not stored: their {@code Nodeq-Msg-Id} was inside the dedup window. */
    long deduplicatedCount;
    /** The {@code Nodeq-Msg-Id}s stored within the dedup window. */
    final DedupWindow dedup = new DedupWindow();
    /** Holding messages until the lookups said which channels this topic has elsewhere. */
    boolean awaitingChannels;
    boolean deleted;
    /** Rewinds searching the log on the lane: until they move their cursor, no segment may go. */
    int rewindSearches;
    /** The timestamp of the log's first record at the last sync tick; -1 when unknown or empty. */
    long retainedFromNs = -1;
    private long messageCount;
    private long messageBytes;

    Topic(String name, Durability durability, Shard shard, TopicFiles files, long nextSeq) {
        this.name = name;
        this.ephemeral = Names.isEphemeral(name);
        this.durability = ephemeral ? Durability.MEMORY_FIRST : durability;
        this.shard = shard;
        this.files = files;
        this.ids = new IdGenerator(shard.options.nodeId());
        this.tail = new HotTail(shard.slabs, shard.options.memQueueSize(), nextSeq);
        this.writtenSeq = nextSeq;
        this.submittedSeq = nextSeq;
        this.visibleSeq = nextSeq;
    }

    public String name() {
        return name;
    }

    boolean durable() {
        return durability == Durability.DURABLE;
    }

    /** Records channels may see: durable ones once fsynced, others at once. */
    long publishedSeq() {
        return durable() ? writtenSeq : tail.endSeq();
    }

    /** Held messages: published, not yet handed to channels. */
    long depth() {
        return Math.max(0, publishedSeq() - Math.max(visibleSeq, emptiedTo));
    }

    private boolean flowing() {
        return !paused && !awaitingChannels && !channels.isEmpty() && !deleted;
    }

    /** Appends the bodies (payloads only) to the log; they become visible when the lane reports them written. */
    void publish(List<byte[]> bodies, long deferMs) {
        publish(bodies, deferMs, false);
    }

    /**
     * Appends the bodies to the log; they become visible when the lane reports them written.
     * {@code withHeaders}: each body is a header block then the payload (checked by the caller, e.g.
     * with {@code Headers.blockLength}, or built by {@code Headers.frame}); one with an empty block
     * is stored as its payload alone, one with headers keeps its block and gets
     * {@link LogRecord#FLAG_HEADERS}.
     */
    void publish(List<byte[]> bodies, long deferMs, boolean withHeaders) {
        publish(bodies, deferMs, withHeaders, true);
    }

    /**
     * {@link #publish(List, long, boolean)}; {@code dedupe} false stores every body whatever its
     * {@code Nodeq-Msg-Id} (dead letters: the same message dead-lettered by two channels is two
     * dead letters, and must not be answered OK and dropped).
     */
    void publish(List<byte[]> bodies, long deferMs, boolean withHeaders, boolean dedupe) {
        publish(Bodies.of(bodies), deferMs, withHeaders, dedupe);
    }

    /**
     * {@link #publish(List, long, boolean, boolean)} for bodies as a connection decoded them (spans
     * of shared blocks): each is copied into the tail here, and the caller may release them after.
     */
    void publish(Bodies bodies, long deferMs, boolean withHeaders, boolean dedupe) {
        checkPublishable();
        int count = bodies.count();
        if (withHeaders) {
            for (int i = 0; i < count; i++) { // all or nothing: before anything is appended
                HeaderBlocks.check(bodies.array(i), bodies.offset(i), bodies.length(i));
            }
        }
        long ts = shard.nowEpochNs();
        int defer = (int) Math.min(Integer.MAX_VALUE, Math.max(0, deferMs));
        long windowNs = settings.dedupWindow().toNanos();
        if (windowNs > 0 || dedup.size() > 0) {
            dedup.expire(ts, windowNs);
        }
        int appended = 0;
        boolean awaitsOriginal = false;
        for (int i = 0; i < count; i++) {
            byte[] body = bodies.array(i);
            int off = bodies.offset(i);
            int len = bodies.length(i);
            int block = withHeaders ? HeaderBlocks.length(body, off) : 0;
            String key = dedupe && block > 2 && windowNs > 0 ? Headers.find(body, off, Headers.MSG_ID) : null;
            if (key != null) {
                DedupWindow.Key original = dedup.find(key);
                if (original != null) {
                    // a repeat inside the window (or inside this MPUB): OK, not stored. A durable
                    // topic answers it once the original's write is done, so it fails if that fails.
                    deduplicatedCount++;
                    awaitsOriginal |= durable() && original.seq() >= writtenSeq;
                    continue;
                }
            }
            int flags = block > 2 ? LogRecord.FLAG_HEADERS : 0;
            int skip = block == 2 ? 2 : 0; // an empty block is not stored: no overhead without headers
            long seq = append(ts, defer, flags, body, off + skip, len - skip, appended);
            if (key != null) {
                dedup.add(key, seq, ts);
            }
            appended++;
            if (defer > 0) {
                deferredSeqs.add(seq);
            }
            messageCount++;
            messageBytes += len - skip;
        }
        if (appended == 0 && !awaitsOriginal) {
            return; // only repeats of records already written: nothing to write or wait for
        }
        afterAppend();
    }

    private void checkPublishable() {
        if (deleted) {
            throw new PublishException("topic " + name + " is being deleted");
        }
        if (writeError != null && !durable()) {
            throw new PublishException(writeError, true);
        }
    }

    /**
     * Appends redriven messages, each for one channel only: {@code stored} is the body as the log
     * keeps it (target prefix, then header block or payload, see {@link LogRecord}), {@code flags}
     * its record flags. Every other channel passes over them. No dedup: a redrive delivers again on
     * purpose, and a message's own {@code Nodeq-Msg-Id} would be a repeat inside the window.
     */
    void publishTargeted(List<Redrive.Item> items) {
        checkPublishable();
        long ts = shard.nowEpochNs();
        int appended = 0;
        for (Redrive.Item item : items) {
            long seq = append(ts, 0, item.flags(), item.stored(), 0, item.stored().length, appended++);
            targetedSeqs.add(seq);
            messageCount++;
            messageBytes += item.stored().length;
        }
        afterAppend();
    }

    /**
     * Appends {@code body[off, off + len)} to the tail. When the tail has no memory for it,
     * the {@code appendedBefore} records this publish appended before go on like any others (written,
     * delivered) and the publisher gets the error: at least once, never a record left unwritten.
     */
    private long append(long ts, int defer, int flags, byte[] body, int off, int len, int appendedBefore) {
        try {
            return tail.append(ids.next(), ts, defer, flags, body, off, len);
        } catch (PublishException noMemory) {
            if (appendedBefore > 0) {
                afterAppend();
            }
            throw noMemory;
        }
    }

    /** After an append: written at once (ephemeral) or handed to the next group write. */
    private void afterAppend() {
        if (ephemeral) {
            written(tail.endSeq());
            long dropped = tail.evictOverflow();
            if (dropped > 0 && channels.isEmpty()) {
                visibleSeq = Math.max(visibleSeq, tail.startSeq()); // what a channel-less topic could not hold
            }
            return;
        }
        shard.needsWrite(this);
        if (!durable()) {
            fanOut();
        }
    }

    /** Lets the dedup window slide on the scan tick, so an idle topic's keys go too. */
    void expireDedup() {
        if (dedup.size() > 0) {
            dedup.expire(shard.nowEpochNs(), settings.dedupWindow().toNanos());
        }
    }

    /** The lane wrote every record below {@code endSeq} (on the shard, in order). */
    void written(long endSeq) {
        writeError = null;
        if (endSeq <= writtenSeq) {
            return;
        }
        writtenSeq = endSeq;
        if (!ephemeral) {
            tail.evict(writtenSeq);
        }
        if (!flowing() && emptiedTo > visibleSeq) {
            visibleSeq = Math.min(emptiedTo, publishedSeq());
            dropDeferredBelow(visibleSeq);
        }
        fanOut();
    }

    /**
     * The lane could not write from {@code logNextSeq} on; the failed write held the records from
     * {@code failedFromSeq}.
     */
    void writeFailed(String error, long logNextSeq, long failedFromSeq) {
        writeEpoch++;
        if (durable()) {
            // nobody saw these records and their publishers get the error: forget them
            long keep = Math.max(logNextSeq, writtenSeq);
            tail.truncate(keep);
            submittedSeq = tail.endSeq();
            // the publishers of the failed write retry: their keys must not make the retry a repeat
            dedup.forgetFrom(Math.min(keep, Math.max(failedFromSeq, writtenSeq)));
        } else {
            // acknowledged already: keep them in memory and write again what the log lacks (a failed
            // fsync leaves the records in the log: appending them again would never succeed)
            writeError = error;
            submittedSeq = Math.max(writtenSeq, Math.min(logNextSeq, tail.endSeq()));
        }
    }

    /** Hands the written records to the channels once the topic flows. */
    void fanOut() {
        long published = publishedSeq();
        if (!flowing() || visibleSeq >= published) {
            return;
        }
        long from = visibleSeq;
        visibleSeq = published;
        for (Channel c : channels.values()) {
            c.becameVisible(from, visibleSeq);
        }
        while (!deferredSeqs.isEmpty() && deferredSeqs.peek() < visibleSeq) {
            long seq = deferredSeqs.poll();
            if (seq < from || !tail.contains(seq)) {
                continue; // the scan finds its deferral in the record itself
            }
            Slab slab = tail.slab(seq);
            int off = tail.offset(seq);
            for (Channel c : channels.values()) {
                c.deferFromPublish(seq, slab, off);
            }
        }
        while (!targetedSeqs.isEmpty() && targetedSeqs.peek() < visibleSeq) {
            long seq = targetedSeqs.poll();
            if (seq < from || !tail.contains(seq)) {
                continue; // each channel's scan finds the target in the record itself
            }
            ByteBuf a = tail.buf(seq);
            int off = tail.offset(seq);
            if ((LogRecord.flags(a, off) & LogRecord.FLAG_TARGETED) == 0) {
                continue; // a durable write failed and the seq went to another record
            }
            for (Channel c : channels.values()) {
                if (!LogRecord.targets(a, off, c.name)) {
                    c.passOver(seq);
                }
            }
        }
    }

    private void dropDeferredBelow(long seq) {
        while (!deferredSeqs.isEmpty() && deferredSeqs.peek() < seq) {
            deferredSeqs.poll();
        }
    }

    /** Where a new channel starts: the held messages go to a topic's first channel, else from now on. */
    long channelStart() {
        return Math.max(visibleSeq, emptiedTo);
    }

    Channel channel(String channelName) {
        return channels.get(channelName);
    }

    /** Drops the held messages (nsqd's topic empty); channels keep theirs. */
    void empty() {
        emptyBelow(tail.endSeq());
    }

    /** Drops the held messages below {@code seq} (a redrive's end: what came since stays). */
    void emptyBelow(long seq) {
        emptiedTo = Math.max(emptiedTo, seq);
        if (!flowing()) {
            visibleSeq = Math.max(visibleSeq, Math.min(emptiedTo, publishedSeq()));
            dropDeferredBelow(visibleSeq);
        }
    }

    /** The lowest seq some channel (or the first channel to come) may still need. */
    long retainFrom() {
        if (rewindSearches > 0) {
            return 0;
        }
        long min = Math.min(writtenSeq, channels.isEmpty() || !flowing() ? channelStart() : writtenSeq);
        for (Channel c : channels.values()) {
            if (!c.ephemeral) {
                min = Math.min(min, c.ackFloor);
            }
        }
        return min;
    }

    StatsSnapshot.TopicStats stats(String channelFilter, boolean includeClients, long nowMono) {
        List<StatsSnapshot.ChannelStats> channelStats = new ArrayList<>();
        List<String> names = new ArrayList<>(channels.keySet());
        names.sort(null);
        // every channel has the daemon's percentiles: the topic's figure is their merge
        E2eLatency shape = new E2eLatency(shard.options.e2eProcessingLatencyPercentiles(), 1);
        Histogram merged = shape.enabled() ? shape.newHistogram() : null;
        for (String n : names) {
            Channel c = channels.get(n);
            if (merged != null) {
                c.e2e.addTo(merged, nowMono);
            }
            if (channelFilter == null || channelFilter.equals(n)) {
                channelStats.add(c.stats(includeClients, nowMono));
            }
        }
        StatsSnapshot.E2eLatency e2e = merged == null ? StatsSnapshot.E2eLatency.NONE : E2eLatency.of(merged, shape.quantiles());
        long depth = depth();
        long inMemoryFrom = Math.max(tail.startSeq(), Math.max(visibleSeq, emptiedTo));
        long backend = ephemeral ? 0 : Math.min(depth, Math.max(0, inMemoryFrom - Math.max(visibleSeq, emptiedTo)));
        return new StatsSnapshot.TopicStats(name, channelStats, depth, backend, messageCount, messageBytes, paused, e2e,
                durability.flagValue(), new StatsSnapshot.TopicExtensions(settings.dedupWindow().toMillis(),
                settings.retention().toMillis(), deduplicatedCount,
                retainedFromNs < 0 ? 0 : retainedFromNs / 1_000_000L));
    }

    /** A queue of longs (seqs), without boxing. */
    static final class LongQueue {
        private long[] items = new long[16];
        private int head;
        private int size;

        boolean isEmpty() {
            return size == 0;
        }

        void add(long v) {
            if (size == items.length) {
                long[] bigger = new long[items.length * 2];
                for (int i = 0; i < size; i++) {
                    bigger[i] = items[(head + i) % items.length];
                }
                items = bigger;
                head = 0;
            }
            items[(head + size) % items.length] = v;
            size++;
        }

        long peek() {
            return items[head];
        }

        long poll() {
            long v = items[head];
            head = (head + 1) % items.length;
            size--;
            return v;
        }
    }
}
