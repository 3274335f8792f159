package io.nodeq.daemon.broker;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.nodeq.daemon.log.CursorStore.Pending;
import io.nodeq.daemon.log.LogRecord;
import io.nodeq.daemon.log.TopicLog;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /channel/peek}: the next messages a channel would deliver, in the order its pump would
 * take them (requeued first, then the log from its read position, passing over what the scan
 * skips and what it would defer), without taking them: nothing of the channel changes.
 *
 * <p>Records still in the hot tail are read in place. Older ones come from the log on the disk
 * lane; the walk is then done again from the start, as a new shard task, with those records in
 * hand, so that the answer is one consistent view of the channel as it stands when it is sent
 * (a few rounds at most: each read brings up to {@link #READ_RECORDS} records).
 *
 * <p>Owned by its shard: every step runs as a shard task.
 */
final class ChannelPeek {
    private static final int READ_RECORDS = 4096;
    private static final int READ_BYTES = 4 << 20;
    private static final int MAX_ROUNDS = 16;
    /** Past this many body bytes the answer stops (with at least one message): a peek is for looking. */
    private static final long MAX_BODY_BYTES = 16L << 20;

    private record Rec(ByteBuf bytes, int offset) {
    }

    private final Shard shard;
    private final String topicName;
    private final String channelName;
    private final int n;
    private final boolean includeDeferred;
    private final Handler<AsyncResult<PeekResult>> done;
    /** Records read from the log, by seq. */
    private final Map<Long, Rec> fromDisk = new HashMap<>();
    /** Seqs the log has no record for (a deleted or missing segment): where the next record is. */
    private final Map<Long, Long> gaps = new HashMap<>();
    private int rounds;

    ChannelPeek(Shard shard, String topic, String channel, int n, boolean includeDeferred,
                Handler<AsyncResult<PeekResult>> done) {
        this.shard = shard;
        this.topicName = topic;
        this.channelName = channel;
        this.n = n;
        this.includeDeferred = includeDeferred;
        this.done = done;
    }

    /** One walk over the channel as it stands now; reads the log and walks again when it must. */
    void step() {
        Topic t = shard.topic(topicName);
        if (t == null) {
            done.handle(Future.succeededFuture(PeekResult.of(Broker.Result.TOPIC_NOT_FOUND)));
            return;
        }
        Channel c = t.channel(channelName);
        if (c == null) {
            done.handle(Future.succeededFuture(PeekResult.of(Broker.Result.CHANNEL_NOT_FOUND)));
            return;
        }
        List<PeekedMessage> out = new ArrayList<>();
        List<PeekedMessage> deferredByScan = new ArrayList<>();
        long[] bytes = {0};
        for (Message m : c.requeued) {
            if (full(out, bytes)) {
                break;
            }
            add(out, bytes, PeekedMessage.ofMessage(m, PeekedMessage.REQUEUED, 0));
        }
        long missing = walkLog(t, c, out, deferredByScan, bytes);
        if (missing >= 0 && rounds++ < MAX_ROUNDS && t.files != null) {
            read(t.files, missing, c.skip.countFrom(missing));
            return;
        }
        if (includeDeferred) {
            out.addAll(deferred(c, deferredByScan));
        }
        done.handle(Future.succeededFuture(new PeekResult(Broker.Result.OK, out)));
    }

    private boolean full(List<PeekedMessage> out, long[] bytes) {
        return out.size() >= n || bytes[0] >= MAX_BODY_BYTES;
    }

    private static void add(List<PeekedMessage> out, long[] bytes, PeekedMessage m) {
        out.add(m);
        bytes[0] += m.body().length;
    }

    /**
     * What {@code Channel.nextFromLog} would take, from the read position on; returns the first
     * seq whose record must come from the log first, or -1 when the walk is complete.
     */
    private long walkLog(Topic t, Channel c, List<PeekedMessage> out, List<PeekedMessage> deferredByScan,
                         long[] bytes) {
        HotTail tail = t.tail;
        long limit = t.visibleSeq;
        long nowMs = shard.nowEpochMs();
        long seq = c.readSeq;
        if (c.ephemeral || t.ephemeral) {
            seq = Math.max(seq, tail.startSeq()); // fell out of memory: gone for an ephemeral channel
        }
        while (!full(out, bytes) && seq < limit) {
            if (c.skip.contains(seq)) {
                seq++;
                continue;
            }
            ByteBuf a;
            int off;
            if (tail.contains(seq)) {
                a = tail.buf(seq);
                off = tail.offset(seq);
            } else if (seq < tail.startSeq()) {
                Long next = gaps.get(seq);
                if (next != null) {
                    seq = next;
                    continue;
                }
                Rec r = fromDisk.get(seq);
                if (r == null) {
                    return seq;
                }
                a = r.bytes();
                off = r.offset();
            } else {
                break; // not written yet
            }
            if (LogRecord.forOtherChannel(a, off, c.name)) {
                seq++; // redriven to another channel: the scan finishes it without delivering it
                continue;
            }
            Pending p = c.recovered == null ? null : c.recovered.get(seq);
            int attempts = c.attemptsBefore(p, seq);
            long dueMs = Channel.dueEpochMs(p, a, off);
            if (dueMs > nowMs) {
                // the scan defers it when it gets there
                if (includeDeferred && deferredByScan.size() < n) {
                    deferredByScan.add(PeekedMessage.ofRecord(a, off, attempts, PeekedMessage.DEFERRED, dueMs));
                }
            } else {
                add(out, bytes, PeekedMessage.ofRecord(a, off, attempts, PeekedMessage.QUEUED, 0));
            }
            seq++;
        }
        return -1;
    }

    /** The deferred messages by due time: those the channel holds and those its scan will defer. */
    private List<PeekedMessage> deferred(Channel c, List<PeekedMessage> deferredByScan) {
        List<PeekedMessage> all = new ArrayList<>(deferredByScan);
        c.deferred.forEachValue(m -> all.add(PeekedMessage.ofMessage(m, PeekedMessage.DEFERRED, m.dueEpochMs)));
        all.sort(Comparator.comparingLong(PeekedMessage::dueEpochMs).thenComparingLong(PeekedMessage::seq));
        return all.size() > n ? new ArrayList<>(all.subList(0, n)) : all;
    }

    /** Reads records from {@code seq} on the lane, then walks again as a shard task. */
    private void read(TopicFiles files, long seq, long skipped) {
        int want = (int) Math.min(READ_RECORDS, n + skipped + 16L);
        shard.onLane(() -> files.log().read(seq, want, READ_BYTES), (batch, err) -> {
            if (err != null) {
                shard.storageFailed("peek " + topicName + ":" + channelName, err);
                done.handle(Future.failedFuture(err));
                return;
            }
            take(seq, batch);
            step();
        });
    }

    private void take(long seq, TopicLog.ReadBatch batch) {
        if (batch == null || batch.count() == 0) {
            Topic t = shard.topic(topicName);
            gaps.put(seq, t == null ? Long.MAX_VALUE : t.tail.startSeq()); // nothing left on disk from seq on
            return;
        }
        if (batch.firstSeq() > seq) {
            gaps.put(seq, batch.firstSeq());
        }
        ByteBuf bytes = Unpooled.wrappedBuffer(batch.bytes());
        for (int i = 0; i < batch.count(); i++) {
            int off = batch.offsets()[i];
            fromDisk.put(LogRecord.seq(batch.bytes(), off), new Rec(bytes, off));
        }
    }
}
