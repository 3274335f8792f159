package io.nodeq.daemon.broker;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * One pass of the sync tick over a shard's topics (and one at start): fsync what memory-first
 * topics wrote since the last pass, delete the segments nobody needs, and note where each log now
 * starts (/stats {@code retained_from}).
 *
 * <pre>
 *   a segment goes when  every channel is past it            (Topic.retainFrom, NSQ's rule)
 *                   and  the topic has no retention, or its newest record is older than
 *                        now - retention                     (broker clock, so tests move it)
 * </pre>
 *
 * Built on the shard from values ({@link #of}), run on the disk lane ({@link #runOnLane}), its
 * outcome applied back on the shard ({@link #apply}); the lane side touches only the files.
 */
final class RetentionPass {
    private static final Logger LOG = LoggerFactory.getLogger(RetentionPass.class);

    private record Item(Topic topic, TopicFiles files, boolean durable, long retainFrom, long olderThanNs) {
    }

    /** Where a topic's log starts after the pass: its first record's timestamp, -1 when it has none. */
    record Retained(Topic topic, long firstTimestampNs) {
    }

    private final List<Item> items = new ArrayList<>();

    /** The pass for {@code topics} as they stand now (on the shard). */
    static RetentionPass of(Collection<Topic> topics, long nowEpochNs) {
        RetentionPass pass = new RetentionPass();
        for (Topic t : topics) {
            if (t.files == null) {
                continue;
            }
            long retentionNs = t.settings.retention().toNanos();
            long olderThan = retentionNs > 0 ? nowEpochNs - retentionNs : Long.MAX_VALUE;
            pass.items.add(new Item(t, t.files, t.durable(), t.retainFrom(), olderThan));
        }
        return pass;
    }

    boolean isEmpty() {
        return items.isEmpty();
    }

    /**
     * On the lane: a failure of one topic's files is logged and the others go on. A memory-first
     * topic's data is fsynced by the lane's sync thread ({@link TopicFiles#syncInBackground}).
     */
    List<Retained> runOnLane(DiskLane lane) {
        List<Retained> out = new ArrayList<>(items.size());
        for (Item item : items) {
            TopicFiles f = item.files();
            try {
                if (f.dirty()) {
                    if (item.durable()) {
                        f.force();
                    } else {
                        f.syncInBackground(lane);
                    }
                }
                int deleted = f.log().deleteBefore(item.retainFrom(), item.olderThanNs());
                if (deleted > 0) {
                    LOG.debug("TOPIC({}): deleted {} segments", item.topic().name, deleted);
                }
                out.add(new Retained(item.topic(), f.firstTimestamp()));
            } catch (IOException | RuntimeException e) {
                LOG.error("TOPIC({}): sync failed: {}", item.topic().name, e.toString());
            }
        }
        return out;
    }

    /** On the shard. */
    static void apply(List<Retained> retained) {
        for (Retained r : retained) {
            r.topic().retainedFromNs = r.firstTimestampNs();
        }
    }
}
