package io.nodeq.daemon.broker;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.nodeq.daemon.log.CursorEvents;
import io.nodeq.daemon.log.CursorStore.CursorState;
import io.nodeq.daemon.log.LogRecord;
import io.nodeq.daemon.log.CursorStore.Pending;
import io.nodeq.daemon.log.TopicLog;
import io.nodeq.daemon.stats.StatsSnapshot;
import io.nodeq.protocol.Frames;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import org.roaringbitmap.longlong.Roaring64NavigableMap;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A channel: a cursor over its topic's log, shared by its consumers under RDY flow control
 * (nsq-protocol.md §1.10, §1.14, §1.15). It owns no queued message, only where it is and what it
 * has handed out:
 *
 * <pre>
 *   log:  ... ackFloor ............ readSeq ............ topic.visibleSeq
 *             |finished set above   |  never delivered:  |
 *             | the floor, in flight|  read from the hot tail, or from
 *             | requeued, deferred  |  the segment files on the disk lane
 *
 *   scan ──► in flight ──FIN──► finished (floor advances)
 *              │  ▲   └─REQ n──► deferred ──due──┐
 *              ▼  └── requeued ◄── REQ 0 / timeout┘
 * </pre>
 *
 * Every change that matters after a crash (FIN, REQ, timeout, how far it delivered) goes into its
 * cursor journal ({@link CursorEvents}), written by the shard's next group write.
 *
 * <p>Owned by its shard's context; reach it only through shard tasks.
 */
public final class Channel {
    private static final int DISK_READ_RECORDS = 4096;
    private static final int DISK_READ_BYTES = 1 << 20;

    final Topic topic;
    final String name;
    final boolean ephemeral;
    private final Shard shard;

    /** Where this channel started (or restarted) reading the log. */
    private final long startSeq;
    /** Every seq below is finished. */
    long ackFloor;
    /** The next seq of the log the scan looks at. */
    long readSeq;
    private final SeqBits finished;
    /** Seqs at or above readSeq the scan passes over: finished before a restart, or deferred at publish. */
    final SeqBits skip;
    /** Cursor state from before a restart for seqs the scan has not reached: attempts and due times. */
    NavigableMap<Long, Pending> recovered;
    /** Seqs below this were delivered at least once before the restart. */
    long deliveredBefore;
    /** Restored from a cursor that named seqs beyond the log: snapshot before anything else. */
    boolean needsSnapshot;

    private final LongMap<Message> inFlight = new LongMap<>(256);
    private final MessageHeap inFlightHeap = new MessageHeap(false);
    final ArrayDeque<Message> requeued = new ArrayDeque<>();
    final LongMap<Message> deferred = new LongMap<>(16);
    private final MessageHeap deferredHeap = new MessageHeap(true);

    private TopicLog.ReadBatch diskBatch;
    /** {@link #diskBatch}'s bytes, wrapped once for the messages read from it. */
    private ByteBuf diskBytes;
    private int diskIndex;
    private boolean diskReadInFlight;
    /** Bumped by empty and delete: a disk read submitted before is stale. */
    private int generation;

    /** Journal events since the last group write (null when ephemeral). */
    final CursorEvents events;
    private long finRunFrom = -1;
    private long finRunTo;
    private long journaledRead;
    private boolean journalQueued;

    final List<Consumer> consumers = new ArrayList<>();
    private int nextConsumer;
    boolean paused;
    boolean deleted;
    /** Max attempts and dead-letter topic (nodeq extensions); replaced whole by {@code /channel/config}. */
    ChannelSettings settings = ChannelSettings.NONE;
    /** Messages that reached max attempts: published to the dead-letter topic, or dropped without one. */
    long deadLetteredCount;
    /** Messages that reached max attempts and wait for (or are in) their dead-letter publish. */
    final DeadLetters deadLetters;
    boolean dirty;

    long messageCount;
    private long requeueCount;
    private long timeoutCount;
    final E2eLatency e2e;

    /** A channel starting at {@code start} with no history. */
    Channel(Topic topic, String name, boolean ephemeral, Shard shard, long start) {
        this.topic = topic;
        this.name = name;
        this.ephemeral = ephemeral;
        this.shard = shard;
        this.startSeq = start;
        this.ackFloor = start;
        this.readSeq = start;
        this.journaledRead = start;
        this.deliveredBefore = start;
        this.finished = new SeqBits(start);
        this.skip = new SeqBits(start);
        this.events = ephemeral ? null : new CursorEvents();
        this.deadLetters = new DeadLetters(this, shard);
        this.e2e = new E2eLatency(shard.options.e2eProcessingLatencyPercentiles(),
                shard.options.e2eProcessingLatencyWindowTime().toNanos());
    }

    /** A new channel: its first journal event says where it starts. */
    static Channel create(Topic topic, String name, boolean ephemeral, Shard shard, long start) {
        Channel c = new Channel(topic, name, ephemeral, shard, start);
        if (c.events != null) {
            c.events.floor(start);
            c.queueJournal();
        }
        return c;
    }

    /**
     * A channel recovered from its cursor files: it scans again from its ack floor. Anything the
     * cursor says about seqs the log does not hold (after a power loss took the log's unsynced
     * tail) is dropped: those seqs will be given to new messages. {@link #needsSnapshot} then says
     * the journal must be replaced before it is replayed again.
     */
    static Channel restore(Topic topic, String name, Shard shard, CursorState state, long logFirstSeq,
                           long logNextSeq) {
        long floor = state.ackFloor() < 0 ? logFirstSeq
                : Math.min(Math.max(state.ackFloor(), logFirstSeq), logNextSeq);
        Channel c = new Channel(topic, name, false, shard, floor);
        c.deliveredBefore = Math.min(Math.max(floor, state.readSeq()), logNextSeq);
        c.journaledRead = c.deliveredBefore;
        c.needsSnapshot = state.ackFloor() > logNextSeq || state.readSeq() > logNextSeq;
        state.finished().forEach(seq -> {
            if (seq >= logNextSeq) {
                c.needsSnapshot = true;
            } else if (seq >= floor) {
                c.finished.add(seq);
                c.skip.add(seq);
            }
        });
        if (!state.pending().tailMap(logNextSeq, true).isEmpty()) {
            c.needsSnapshot = true;
        }
        NavigableMap<Long, Pending> pending = state.pending().subMap(floor, true, logNextSeq, false);
        c.recovered = pending.isEmpty() ? null : new TreeMap<>(pending);
        if (state.ackFloor() < 0) {
            c.events.floor(floor);
            c.queueJournal();
        }
        return c;
    }

    public String name() {
        return name;
    }

    /** Queued messages, as nsqd counts them: neither in flight nor deferred. */
    long depth() {
        // an ephemeral channel never reads the disk: what fell out of memory is gone for it
        long from = ephemeral ? Math.max(readSeq, topic.tail.startSeq()) : readSeq;
        long fromLog = Math.max(0, topic.visibleSeq - from - skip.countFrom(from));
        return fromLog + requeued.size();
    }

    private long backendDepth() {
        long inMemoryFrom = Math.min(topic.tail.startSeq(), topic.visibleSeq);
        return ephemeral ? 0 : Math.max(0, inMemoryFrom - readSeq);
    }

    int inFlightCount() {
        return inFlight.size();
    }

    int deferredCount() {
        return deferred.size();
    }

    // ---- entering the channel ----

    /** Records [from, to) of the topic became visible. */
    void becameVisible(long from, long to) {
        messageCount += Math.max(0, to - Math.max(from, startSeq));
        markDirty();
    }

    /** A DPUB record (in {@code slab}) became visible: deferred here until its due time, skipped by the scan. */
    void deferFromPublish(long seq, Slab slab, int off) {
        if (seq < readSeq || deleted) {
            return;
        }
        ByteBuf a = slab.buf();
        long dueMs = LogRecord.timestampNs(a, off) / 1_000_000L + LogRecord.deferMs(a, off);
        skip.add(seq);
        Message m = message(seq, a, slab, off, 0);
        defer(m, dueMs);
        if (events != null) {
            // journaled so that a restart finds it without scanning up to it (it comes due on time)
            flushFinRun();
            events.requeue(seq, 0, dueMs);
            queueJournal();
        }
    }

    /**
     * A record redriven to another channel of the topic became visible: finished here at once
     * (journaled like a FIN), so this channel's depth and message count never count it and its
     * scan passes over it.
     */
    void passOver(long seq) {
        if (seq < readSeq || deleted) {
            return;
        }
        skip.add(seq);
        finish(seq);
        messageCount--; // becameVisible counted it just before, in the same fan-out
    }

    /**
     * After a restart: reads the records of the deferred messages the cursor names (REQ with a
     * delay, DPUB) from the log, so each comes due at its time even when the scan is far behind.
     */
    void loadRecoveredDeferred() {
        if (recovered == null || topic.files == null) {
            return;
        }
        List<Long> seqs = new ArrayList<>();
        for (var e : recovered.entrySet()) {
            if (e.getValue().dueEpochMs() > 0) {
                seqs.add(e.getKey());
            }
        }
        if (seqs.isEmpty()) {
            return;
        }
        TopicFiles files = topic.files;
        int gen = generation;
        shard.onLane(() -> {
            List<TopicLog.ReadBatch> out = new ArrayList<>(seqs.size());
            for (long seq : seqs) {
                TopicLog.ReadBatch b = files.log().read(seq, 1, 1);
                if (b != null && b.count() > 0 && b.firstSeq() == seq) {
                    out.add(b);
                }
            }
            return out;
        }, (batches, err) -> {
            if (err != null) {
                shard.storageFailed("read " + topic.name + ":" + name, err);
                return;
            }
            if (gen != generation || deleted) {
                return;
            }
            for (TopicLog.ReadBatch b : batches) {
                long seq = b.firstSeq();
                Pending p = recovered == null || seq < readSeq ? null : recovered.remove(seq);
                if (p == null) {
                    continue; // the scan got there first
                }
                skip.add(seq);
                Message m = message(seq, Unpooled.wrappedBuffer(b.bytes()), null, b.offsets()[0], p.attempts());
                if (p.dueEpochMs() > shard.nowEpochMs()) {
                    defer(m, p.dueEpochMs());
                } else {
                    requeued.add(m);
                }
            }
            if (recovered != null && recovered.isEmpty()) {
                recovered = null;
            }
            markDirty();
        });
    }

    /** The message of the record at a[off]; {@code slab} (null for a read batch) is held until the channel drops it. */
    private static Message message(long seq, ByteBuf a, Slab slab, int off, int attempts) {
        return new Message(seq, LogRecord.id(a, off), LogRecord.timestampNs(a, off), a, slab,
                LogRecord.messageOffset(a, off), LogRecord.messageLength(a, off), LogRecord.headerLength(a, off),
                attempts);
    }

    private void defer(Message m, long dueEpochMs) {
        long delayMs = Math.max(0, dueEpochMs - shard.nowEpochMs());
        m.dueEpochMs = dueEpochMs;
        m.due = shard.nowMono() + delayMs * 1_000_000L;
        Message old = deferred.put(m.id, m);
        if (old != null && old != m) {
            deferredHeap.remove(old);
            old.release();
        }
        deferredHeap.add(m);
    }

    private void markDirty() {
        if (!dirty) {
            dirty = true;
            shard.markDirty(this);
        }
    }

    // ---- consumers ----

    void addConsumer(Consumer c) {
        c.channel = this;
        consumers.add(c);
        markDirty();
    }

    void removeConsumer(Consumer c) {
        c.gone = true;
        consumers.remove(c);
        // In-flight messages of a vanished consumer wait for their timeout (nsqd does not requeue
        // on disconnect, pitfall 10).
    }

    void setRdy(Consumer c, int rdy) {
        c.rdy = rdy;
        markDirty();
    }

    void close(Consumer c) {
        c.closing = true;
        c.rdy = 0;
    }

    /** Why {@code c} may not FIN/REQ/TOUCH {@code m}, or null when it may. */
    private static String notOwned(Consumer c, Message m) {
        if (m == null) {
            return "ID not in flight";
        }
        return m.owner == c ? null : "client does not own message";
    }

    /** FIN: null on success, else the reason for E_FIN_FAILED. */
    String fin(Consumer c, long id) {
        Message m = inFlight.get(id);
        String refused = notOwned(c, m);
        if (refused != null) {
            return refused;
        }
        inFlight.remove(id);
        inFlightHeap.remove(m);
        c.inFlight--;
        c.finishCount++;
        m.owner = null;
        e2e.record(shard.nowEpochNs() - m.timestampNs, shard.nowMono());
        finish(m.seq);
        m.release();
        markDirty();
        return null;
    }

    /** {@code seq} is done for this channel: the floor moves, the journal hears of it. */
    void finish(long seq) {
        if (seq == ackFloor) {
            ackFloor = finished.advanceFrom(seq + 1);
        } else if (seq > ackFloor) {
            finished.add(seq);
        }
        if (events != null) {
            if (finRunFrom >= 0 && seq == finRunTo + 1) {
                finRunTo = seq;
            } else {
                flushFinRun();
                finRunFrom = seq;
                finRunTo = seq;
            }
            queueJournal();
        }
    }

    private void flushFinRun() {
        if (finRunFrom >= 0) {
            events.fin(finRunFrom, finRunTo);
            finRunFrom = -1;
        }
    }

    private void queueJournal() {
        if (!journalQueued && events != null) {
            journalQueued = true;
            shard.journalChanged(this);
        }
    }

    /** The events since the last call, for the group write; null when there are none. */
    byte[] takeJournal() {
        journalQueued = false;
        if (events == null) {
            return null;
        }
        flushFinRun();
        if (readSeq > journaledRead) {
            events.delivered(readSeq);
            journaledRead = readSeq;
        }
        if (events.isEmpty()) {
            return null;
        }
        byte[] out = java.util.Arrays.copyOf(events.array(), events.size());
        events.clear();
        return out;
    }

    String req(Consumer c, long id, long delayMs) {
        Message m = inFlight.get(id);
        String refused = notOwned(c, m);
        if (refused != null) {
            return refused;
        }
        inFlight.remove(id);
        inFlightHeap.remove(m);
        c.inFlight--;
        c.requeueCount++;
        requeueCount++;
        m.owner = null;
        if (deadLetters.exhausted(m)) {
            deadLetters.take(m); // not delivered here again: dead-lettered at the end of this task
        } else if (delayMs > 0) {
            defer(m, shard.nowEpochMs() + delayMs);
            journalRequeue(m, m.dueEpochMs);
        } else {
            requeued.add(m);
            journalRequeue(m, 0);
        }
        markDirty();
        return null;
    }

    /** A dead-letter publish failed: {@code m} stays, due again after {@code delayMs}, journaled as a REQ. */
    void deferAfterFailedDeadLetter(Message m, long delayMs) {
        defer(m, shard.nowEpochMs() + delayMs);
        journalRequeue(m, m.dueEpochMs);
        markDirty();
    }

    /** {@code m}'s dead-letter publish succeeded (or it had no dead-letter topic): done here. */
    void deadLettered(Message m) {
        deadLetteredCount++;
        finish(m.seq); // it held no consumer's credit: nothing to pump
        m.release();
    }

    private void journalRequeue(Message m, long dueEpochMs) {
        if (events != null) {
            flushFinRun();
            events.requeue(m.seq, m.attempts, dueEpochMs);
            queueJournal();
        }
    }

    String touch(Consumer c, long id) {
        Message m = inFlight.get(id);
        String refused = notOwned(c, m);
        if (refused != null) {
            return refused;
        }
        long now = shard.nowMono();
        long limit = m.deliveredAt + shard.options.maxMsgTimeout().toNanos();
        long deadline = Math.min(now + c.msgTimeoutNs, limit);
        if (deadline != m.deadline) {
            m.deadline = deadline;
            inFlightHeap.update(m);
        }
        return null;
    }

    // ---- delivery ----

    /** Sends queued messages to ready consumers; one write per consumer per call. */
    void pump() {
        dirty = false;
        if (deleted) {
            return;
        }
        deadLetters.flush();
        if (!paused && !consumers.isEmpty()) {
            deliver();
        }
        if (readSeq > journaledRead) {
            queueJournal();
        }
    }

    private void deliver() {
        int n = consumers.size();
        long now = shard.nowMono();
        int idle = 0;
        boolean more = true;
        while (more && idle < n) {
            if (nextConsumer >= n) {
                nextConsumer = 0;
            }
            Consumer c = consumers.get(nextConsumer++);
            if (!c.ready()) {
                idle++;
                continue;
            }
            idle = 0;
            // Give this consumer a run of messages up to its free RDY, but at most a fair share,
            // so a burst is one buffer per consumer rather than one per message.
            long queued = depth();
            long share = Math.max(1, Math.min(Integer.MAX_VALUE, queued / n));
            int budget = (int) Math.min(c.rdy - c.inFlight, share);
            // the frames this run will most likely carry: the buffer is sized for them (one message
            // at low rates, a burst under load) instead of growing, or of eight frames for one
            int expected = (int) Math.max(1, Math.min(budget, queued));
            while (budget-- > 0) {
                Message m = next();
                if (m == null) {
                    more = false;
                    break;
                }
                int sampleRate = c.info.sampleRate();
                if (sampleRate > 0 && shard.random.nextInt(100) > sampleRate) {
                    finish(m.seq); // sampled out: gone for this channel (§1.12)
                    m.release();
                    continue;
                }
                m.attempts = (m.attempts + 1) & 0xFFFF;
                m.deadLetterTries = 0;
                m.deliveredAt = now;
                m.deadline = now + c.msgTimeoutNs;
                m.owner = c;
                inFlight.put(m.id, m);
                inFlightHeap.add(m);
                c.inFlight++;
                c.messageCount++;
                if (c.pending == null) {
                    long size = (long) Frames.messageFrameSize(m.bodyLength + 2) * expected;
                    // a pooled direct buffer: the socket writes it as it is (a heap buffer would be
                    // copied into a direct one first) and frees it once written
                    c.pending = BufferInternal.buffer(
                            FrameBuffers.direct((int) Math.min(256 * 1024, size)));
                }
                MessageFrames.append(c.pending, m, c.headers);
            }
        }
        for (int i = 0; i < n; i++) {
            Consumer c = consumers.get(i);
            if (c.pending != null) {
                Buffer b = c.pending;
                c.pending = null;
                c.link.deliver(b);
            }
        }
    }

    /** The next message to deliver: requeued ones first, then the log; null when none is ready. */
    private Message next() {
        Message m = requeued.poll();
        return m != null ? m : nextFromLog();
    }

    private Message nextFromLog() {
        HotTail tail = topic.tail;
        long limit = topic.visibleSeq;
        while (readSeq < limit) {
            long seq = readSeq;
            if (skip.count() > 0 && skip.remove(seq)) {
                readSeq++;
                continue;
            }
            ByteBuf a;
            Slab slab = null;
            int off;
            if (tail.contains(seq)) {
                slab = tail.slab(seq);
                a = slab.buf();
                off = tail.offset(seq);
            } else if (seq < tail.startSeq()) {
                if (ephemeral || topic.ephemeral) {
                    // fell out of memory: dropped for this channel, as nsqd drops an ephemeral overflow
                    readSeq = tail.startSeq();
                    skip.dropBelow(readSeq);
                    finished.dropBelow(readSeq);
                    ackFloor = Math.max(ackFloor, Math.min(readSeq, lowestOutstanding()));
                    continue;
                }
                if (diskBatch == null || diskIndex >= diskBatch.count()) {
                    diskBatch = null;
                    diskBytes = null;
                    readFromDisk(seq);
                    return null;
                }
                a = diskBytes;
                off = diskBatch.offsets()[diskIndex];
                long recSeq = LogRecord.seq(a, off);
                if (recSeq < seq) {
                    diskIndex++;
                    continue;
                }
                if (recSeq > seq) {
                    // a missing segment (logged by the log): those messages are gone
                    for (long s = seq; s < recSeq; s++) {
                        finish(s);
                    }
                    readSeq = recSeq;
                    continue;
                }
                diskIndex++;
            } else {
                return null; // not written yet
            }
            readSeq = seq + 1;
            Pending p = recovered == null ? null : recovered.remove(seq);
            if (recovered != null && recovered.isEmpty()) {
                recovered = null;
            }
            if (LogRecord.forOtherChannel(a, off, name)) {
                finish(seq); // redriven to another channel of the topic: not this channel's message
                continue;
            }
            int attempts = attemptsBefore(p, seq);
            long nowMs = shard.nowEpochMs();
            long dueMs = dueEpochMs(p, a, off);
            Message m = message(seq, a, slab, off, attempts);
            if (dueMs > nowMs) {
                defer(m, dueMs);
                continue;
            }
            return m;
        }
        return null;
    }

    /** How often the scan's next record was delivered before ({@code p}: what a restart recovered of it). */
    int attemptsBefore(Pending p, long seq) {
        return p != null ? p.attempts() : seq < deliveredBefore ? 1 : 0;
    }

    /** When the record at a[off] is due (0: now): a recovered due time, else its DPUB deferral. */
    static long dueEpochMs(Pending p, ByteBuf a, int off) {
        if (p != null) {
            return p.dueEpochMs();
        }
        int deferMs = LogRecord.deferMs(a, off);
        return deferMs > 0 ? LogRecord.timestampNs(a, off) / 1_000_000L + deferMs : 0;
    }

    /** The lowest seq this channel still holds (in flight, requeued, deferred), or readSeq. */
    private long lowestOutstanding() {
        long[] min = {readSeq};
        inFlight.forEachValue(m -> min[0] = Math.min(min[0], m.seq));
        deferred.forEachValue(m -> min[0] = Math.min(min[0], m.seq));
        for (Message m : requeued) {
            min[0] = Math.min(min[0], m.seq);
        }
        deadLetters.forEach(m -> min[0] = Math.min(min[0], m.seq));
        return min[0];
    }

    /** Reads the next batch of records at or after {@code seq} from the log, on the disk lane. */
    private void readFromDisk(long seq) {
        if (diskReadInFlight || topic.files == null) {
            return;
        }
        diskReadInFlight = true;
        int gen = generation;
        TopicFiles files = topic.files;
        shard.onLane(() -> files.log().read(seq, DISK_READ_RECORDS, DISK_READ_BYTES), (batch, err) -> {
            if (gen != generation || deleted) {
                return;
            }
            diskReadInFlight = false;
            if (err != null) {
                shard.storageFailed("read " + topic.name + ":" + name, err);
                return;
            }
            if (batch == null || batch.count() == 0) {
                // nothing at or after seq on disk: the records were removed (logged by the log)
                if (readSeq == seq && seq < topic.tail.startSeq()) {
                    long to = Math.min(topic.tail.startSeq(), topic.visibleSeq);
                    for (long s = seq; s < to; s++) {
                        finish(s);
                    }
                    readSeq = to;
                }
            } else {
                diskBatch = batch;
                diskBytes = Unpooled.wrappedBuffer(batch.bytes());
                diskIndex = 0;
            }
            markDirty();
        });
    }

    // ---- timers ----

    /** Requeues timed-out in-flight messages and releases due deferred ones. */
    void scan(long now) {
        while (!inFlightHeap.isEmpty() && inFlightHeap.peek().deadline <= now) {
            Message m = inFlightHeap.poll();
            inFlight.remove(m.id);
            if (m.owner != null) {
                m.owner.inFlight--;
                m.owner = null;
            }
            timeoutCount++;
            if (deadLetters.exhausted(m)) {
                deadLetters.take(m);
            } else {
                requeued.add(m);
                journalRequeue(m, 0);
            }
            markDirty();
        }
        while (!deferredHeap.isEmpty() && deferredHeap.peek().due <= now) {
            Message m = deferredHeap.poll();
            deferred.remove(m.id);
            if (m.deadLetterTries > 0 && deadLetters.exhausted(m)) {
                deadLetters.take(m); // its dead-letter publish failed before: try again, do not deliver
            } else {
                requeued.add(m);
            }
            markDirty();
        }
        deadLetters.tick(now);
    }

    // ---- administration ----

    /** Drops queued, in-flight and deferred messages (nsqd's channel empty): the cursor jumps to the end. */
    void empty() {
        generation++;
        diskBatch = null;
        diskBytes = null;
        diskReadInFlight = false;
        long to = Math.max(topic.visibleSeq, readSeq);
        readSeq = to;
        ackFloor = to;
        finished.clear(to);
        skip.clear(to);
        recovered = null;
        dropMessages();
        for (Consumer c : consumers) {
            c.inFlight = 0;
        }
        if (events != null) {
            finRunFrom = -1;
            events.floor(to);
            journaledRead = to;
            queueJournal();
        }
        markDirty();
    }

    /**
     * Moves the cursor back so that every message of the log from {@code from} on is delivered
     * again, once, finished ones included (attempts start again). What is in flight, requeued or
     * deferred stays where it is: the scan passes over it, so nothing is delivered twice. Returns
     * how many messages it queued again (the growth of {@link #depth}).
     */
    long rewind(long from) {
        long before = depth();
        long newRead = Math.min(readSeq, from);
        Topic.LongQueue outstanding = new Topic.LongQueue();
        inFlight.forEachValue(m -> outstanding.add(m.seq));
        deferred.forEachValue(m -> outstanding.add(m.seq));
        requeued.forEach(m -> outstanding.add(m.seq));
        deadLetters.forEach(m -> outstanding.add(m.seq)); // finished once their dead-letter publish is done
        skip.rebuild(newRead, seq -> seq < from);
        while (!outstanding.isEmpty()) {
            long seq = outstanding.poll();
            if (seq >= newRead) {
                skip.add(seq);
            }
        }
        ackFloor = Math.min(ackFloor, from);
        finished.rebuild(ackFloor, seq -> seq < from);
        readSeq = newRead;
        deliveredBefore = Math.min(deliveredBefore, from);
        // a disk batch or read positioned past the new read position would look like a gap
        generation++;
        diskBatch = null;
        diskBytes = null;
        diskReadInFlight = false;
        if (events != null) {
            flushFinRun();
            events.rewind(from);
            journaledRead = newRead;
            queueJournal();
        }
        markDirty();
        return depth() - before;
    }

    void markDeleted() {
        deleted = true;
        generation++;
        dropMessages();
    }

    /**
     * Lets go of every message the channel holds (in flight, requeued, deferred, waiting for a
     * dead-letter publish), so their slabs may go: emptied, deleted, or the shard closed after its
     * cursors were saved.
     */
    void dropMessages() {
        inFlight.forEachValue(Message::release);
        deferred.forEachValue(Message::release);
        requeued.forEach(Message::release);
        deadLetters.clear();
        requeued.clear();
        inFlight.clear();
        inFlightHeap.clear();
        deferred.clear();
        deferredHeap.clear();
    }

    /**
     * The cursor as it stands, for a snapshot: in-flight and requeued messages as pending (they
     * are delivered again after a restart, attempts kept), deferred ones with their due times.
     * Takes the journal events too (the snapshot covers them).
     */
    CursorState snapshot() {
        takeJournal();
        Roaring64NavigableMap fin = new Roaring64NavigableMap();
        finished.forEach(fin::addLong);
        NavigableMap<Long, Pending> pending = new TreeMap<>();
        if (recovered != null) {
            pending.putAll(recovered);
        }
        inFlight.forEachValue(m -> pending.put(m.seq, new Pending(m.attempts, 0)));
        for (Message m : requeued) {
            pending.put(m.seq, new Pending(m.attempts, 0));
        }
        // waiting for a dead-letter publish: kept, so a restart brings it back rather than losing it
        deadLetters.forEach(m -> pending.put(m.seq, new Pending(m.attempts, 0)));
        deferred.forEachValue(m -> pending.put(m.seq, new Pending(m.attempts, m.dueEpochMs)));
        return new CursorState(ackFloor, Math.max(readSeq, deliveredBefore), fin, pending);
    }

    StatsSnapshot.ChannelStats stats(boolean includeClients, long nowMono) {
        List<StatsSnapshot.ClientStats> clients = null;
        if (includeClients) {
            clients = new ArrayList<>(consumers.size());
            for (Consumer c : consumers) {
                clients.add(consumerStats(c));
            }
        }
        return new StatsSnapshot.ChannelStats(name, depth(), Math.min(depth(), backendDepth()), inFlight.size(),
                deferred.size(), messageCount, requeueCount, timeoutCount, consumers.size(), clients, paused,
                e2e.snapshot(nowMono), new StatsSnapshot.ChannelExtensions(settings.maxAttempts(),
                settings.deadLetterTopic(), deadLetteredCount));
    }

    private static StatsSnapshot.ClientStats consumerStats(Consumer c) {
        ClientInfo i = c.info;
        return new StatsSnapshot.ClientStats(i.clientId(), i.hostname(), "V2", i.remoteAddress(), c.closing ? 4 : 3,
                c.rdy, c.inFlight, c.messageCount, c.finishCount, c.requeueCount, i.connectTs(), i.sampleRate(),
                i.deflate(), i.snappy(), i.userAgent(), i.tls(), null, i.security());
    }
}
