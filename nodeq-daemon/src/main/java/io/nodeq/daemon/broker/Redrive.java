package io.nodeq.daemon.broker;

import io.nodeq.daemon.log.LogRecord;
import io.nodeq.daemon.log.TopicLog;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code POST /topic/redrive?topic=D}: every record of D's log from its redrive mark to its end
 * (as it stood when the redrive started) that names its origin ({@code Nodeq-Origin-Topic},
 * {@code Nodeq-Origin-Channel}) is published again to that topic for that channel only
 * ({@link LogRecord#FLAG_TARGETED}); the others, and those whose origin topic or channel is gone,
 * are skipped and counted. Then the mark moves to that end (saved beside D's log) and what D held
 * below it for its first channel is dropped, as {@code /topic/empty} does.
 *
 * <pre>
 *   D's shard                      disk lane (records out of memory)     origin topics' shards
 *   step: records [next, +1024) ──► read batch ──► parse ──► one publish per origin topic ──► answers
 *     ▲                                                                                      │
 *     └──────────────────────────────── next step ◄──────────────────────────────────────────┘
 * </pre>
 *
 * At least once: the mark moves only at the end, so a crash (or a failed step) in the middle
 * redrives the first steps' messages again next time. Bodies cross shards as owned arrays. Redrives
 * of one topic run one after another.
 *
 * <p>Owned by D's shard; every step runs as a task of it.
 */
final class Redrive {
    private static final Logger LOG = LoggerFactory.getLogger(Redrive.class);
    private static final int STEP_RECORDS = 1024;
    private static final int STEP_BYTES = 1 << 20;

    /** One redriven message on its way to its origin topic's shard (a value): its target channel, stored body and flags. */
    record Item(String channel, byte[] stored, int flags) {
    }

    /** What an origin topic's shard did with a step's items. */
    record Delivered(int redriven, int skipped) {
    }

    private final Shard shard;
    private final Topic topic;
    private final Promise<Broker.RedriveResult> promise = Promise.promise();
    private long next;
    private long end;
    private long redriven;
    private long skipped;

    Redrive(Shard shard, Topic topic) {
        this.shard = shard;
        this.topic = topic;
    }

    /** Completed on D's shard. */
    Future<Broker.RedriveResult> future() {
        return promise.future();
    }

    /** Starts now, or once the topic's previous redrive is over. */
    void schedule() {
        Redrive before = topic.lastRedrive;
        topic.lastRedrive = this;
        if (before == null) {
            start();
        } else {
            before.future().onComplete(ar -> shard.run(this::start));
        }
    }

    private void start() {
        next = topic.redriveMark;
        end = topic.publishedSeq();
        step();
    }

    private void step() {
        if (topic.deleted) {
            fail(new PublishException("topic " + topic.name + " is being deleted"));
            return;
        }
        HotTail tail = topic.tail;
        if (next >= end) {
            done();
        } else if (tail.contains(next)) {
            List<Routed> routed = new ArrayList<>();
            long to = Math.min(end, Math.min(tail.endSeq(), next + STEP_RECORDS));
            for (long seq = next; seq < to; seq++) {
                route(tail.copy(seq), 0, routed); // a copy: origins are parsed from arrays, and redrives are rare
            }
            next = to;
            send(routed);
        } else if (next < tail.startSeq() && topic.files != null) {
            readFromDisk(topic.files, next);
        } else {
            next = Math.max(next, Math.min(end, tail.startSeq())); // fell out of an ephemeral topic's memory
            shard.run(this::step);
        }
    }

    /** Records at or after {@code from} that are out of memory: read on the disk lane, never here. */
    private void readFromDisk(TopicFiles files, long from) {
        shard.onLane(() -> files.log().read(from, STEP_RECORDS, STEP_BYTES), (batch, err) -> {
            if (err != null) {
                shard.storageFailed("read " + topic.name + " for redrive", err);
                fail(new PublishException(err.getMessage() == null ? err.toString() : err.getMessage(), true));
                return;
            }
            if (topic.deleted) {
                step();
                return;
            }
            List<Routed> routed = new ArrayList<>();
            long before = next;
            if (batch != null) {
                for (int i = 0; i < batch.count(); i++) {
                    int off = batch.offsets()[i];
                    long seq = LogRecord.seq(batch.bytes(), off);
                    if (seq < next) {
                        continue;
                    }
                    if (seq >= end) {
                        next = end;
                        break;
                    }
                    route(batch.bytes(), off, routed);
                    next = seq + 1;
                }
            }
            if (next == before) {
                // nothing left on disk from there (segments removed): go on from memory
                next = Math.max(next, Math.min(end, topic.tail.startSeq()));
            }
            send(routed);
        });
    }

    private record Routed(String topic, Item item) {
    }

    private void route(byte[] a, int off, List<Routed> out) {
        RedriveRecords.Origin origin = RedriveRecords.origin(a, off);
        if (origin == null) {
            skipped++;
        } else {
            out.add(new Routed(origin.topic(), new Item(origin.channel(), origin.stored(), origin.flags())));
        }
    }

    /** One publish per origin topic, then the next step once every one answered. */
    private void send(List<Routed> routed) {
        if (routed.isEmpty()) {
            shard.run(this::step);
            return;
        }
        Map<String, List<Item>> byTopic = new LinkedHashMap<>();
        for (Routed r : routed) {
            byTopic.computeIfAbsent(r.topic(), t -> new ArrayList<>()).add(r.item());
        }
        List<Future<Delivered>> parts = new ArrayList<>();
        for (Map.Entry<String, List<Item>> e : byTopic.entrySet()) {
            parts.add(shard.broker().deliverTargeted(e.getKey(), e.getValue()));
        }
        Future.all(parts).onComplete(ar -> shard.run(() -> {
            if (ar.failed()) {
                fail(ar.cause());
                return;
            }
            for (Future<Delivered> part : parts) {
                redriven += part.result().redriven();
                skipped += part.result().skipped();
            }
            step();
        }));
    }

    private void done() {
        topic.redriveMark = Math.max(topic.redriveMark, end);
        topic.emptyBelow(end);
        LOG.info("TOPIC({}): redrive: {} messages back to their origin channels, {} skipped", topic.name, redriven,
                skipped);
        Broker.RedriveResult result = new Broker.RedriveResult(Broker.Result.OK, redriven, skipped);
        if (topic.files == null) {
            complete(result);
            return;
        }
        TopicFiles files = topic.files;
        long mark = topic.redriveMark;
        shard.onLane(() -> {
            files.saveRedriveMark(mark);
            return null;
        }, (v, err) -> {
            if (err != null) {
                LOG.warn("TOPIC({}): redrive mark {} not saved ({}): a restart may redrive these messages again",
                        topic.name, mark, err.toString());
            }
            complete(result);
        });
    }

    private void fail(Throwable err) {
        LOG.warn("TOPIC({}): redrive stopped after {} messages: {}", topic.name, redriven, err.getMessage());
        release();
        promise.fail(err);
    }

    private void complete(Broker.RedriveResult result) {
        release();
        promise.complete(result);
    }

    private void release() {
        if (topic.lastRedrive == this) {
            topic.lastRedrive = null;
        }
    }
}
