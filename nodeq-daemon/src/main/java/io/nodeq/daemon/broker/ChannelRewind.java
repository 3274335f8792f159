package io.nodeq.daemon.broker;

import io.nodeq.daemon.log.LogRecord;
import io.nodeq.daemon.log.TimeSeek;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;

/**
 * {@code /channel/rewind}: moves a channel's cursor back to the first retained message published
 * at or after a time ({@link Channel#rewind}), then answers once the REWIND event is in the
 * channel's cursor journal and fsynced, so that the rewind survives a restart and a kill -9.
 *
 * The search runs over the retained segments on the lane ({@link TimeSeek}); when every written
 * record is older, the answer is in the part of the hot tail not written yet (or past the end).
 * The hot tail is not searched first although it may hold the time: it can still hold records
 * whose segment is gone, and a rewind goes back over what is retained, not what happens to be in
 * memory.
 *
 * While the lane searches, the topic keeps every segment ({@link Topic#rewindSearches}): a segment
 * deleted between the search and the cursor move would turn the found seq into a gap.
 *
 * <p>Owned by its shard: every step runs as a shard task.
 */
final class ChannelRewind {
    private static final Logger LOG = LoggerFactory.getLogger(ChannelRewind.class);

    private final Shard shard;
    private final String topicName;
    private final String channelName;
    private final long toEpochNs;
    private final Handler<AsyncResult<RewindResult>> done;

    ChannelRewind(Shard shard, String topic, String channel, long toEpochNs, Handler<AsyncResult<RewindResult>> done) {
        this.shard = shard;
        this.topicName = topic;
        this.channelName = channel;
        this.toEpochNs = toEpochNs;
        this.done = done;
    }

    void start() {
        Channel c = find();
        if (c == null) {
            return;
        }
        Topic t = c.topic;
        if (t.ephemeral || t.files == null) {
            answer(RewindResult.refused("EPHEMERAL_TOPIC"));
            return;
        }
        if (c.ephemeral) {
            answer(RewindResult.refused("EPHEMERAL_CHANNEL"));
            return;
        }
        TopicFiles files = t.files;
        t.rewindSearches++;
        shard.onLane(() -> new long[] {TimeSeek.firstAtOrAfter(files.log(), toEpochNs), files.log().nextSeq()},
                (found, err) -> {
                    t.rewindSearches--;
                    if (err != null) {
                        shard.storageFailed("rewind " + topicName + ":" + channelName, err);
                        done.handle(Future.failedFuture(err));
                        return;
                    }
                    Channel now = find();
                    if (now != null) {
                        apply(now, found[0] >= 0 ? found[0] : inTail(now.topic.tail, found[1]));
                    }
                });
    }

    /** The channel, or null after answering that it (or its topic) does not exist. */
    private Channel find() {
        Topic t = shard.topic(topicName);
        if (t == null) {
            answer(RewindResult.of(Broker.Result.TOPIC_NOT_FOUND));
            return null;
        }
        Channel c = t.channel(channelName);
        if (c == null) {
            answer(RewindResult.of(Broker.Result.CHANNEL_NOT_FOUND));
        }
        return c;
    }

    /** The first seq from {@code from} on in the tail stamped at or after the time (the tail's end when none is). */
    private long inTail(HotTail tail, long from) {
        long lo = Math.max(from, tail.startSeq());
        long hi = tail.endSeq();
        while (lo < hi) {
            long mid = (lo + hi) >>> 1;
            if (timestamp(tail, mid) >= toEpochNs) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    private static long timestamp(HotTail tail, long seq) {
        return LogRecord.timestampNs(tail.buf(seq), tail.offset(seq));
    }

    private void apply(Channel c, long from) {
        long messages = c.rewind(from);
        LOG.info("CHANNEL({}:{}): rewound to {} (seq {}): {} messages to deliver again", topicName, channelName,
                Instant.ofEpochSecond(0, toEpochNs), from, messages);
        shard.persistCursor(c, err -> {
            if (err != null) {
                done.handle(Future.failedFuture(err));
            } else {
                answer(new RewindResult(Broker.Result.OK, from, messages, null));
            }
        });
    }

    private void answer(RewindResult r) {
        done.handle(Future.succeededFuture(r));
    }
}
