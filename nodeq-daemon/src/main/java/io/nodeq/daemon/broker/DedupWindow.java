package io.nodeq.daemon.broker;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;

/**
 * The {@code Nodeq-Msg-Id} keys a topic stored within its dedup window (PROTOCOL-EXTENSIONS.md,
 * idempotent publish): a publish whose key is here is answered OK and not stored again.
 *
 * <pre>
 *   order (by seq):  oldest ................................................ newest
 *                    |-- expire: ts &lt;= now - window --|      |-- forgetFrom(seq): a rolled-back write --|
 *   byKey:           key -&gt; its entry
 * </pre>
 *
 * Entries leave from the old end as the window slides (on publish and on the shard's scan tick), so
 * memory follows the keys published within one window; from the new end when a durable write that
 * stored them failed, so a retry of a failed publish is stored.
 *
 * <p>Owned by its topic's shard.
 */
final class DedupWindow {
    /** One stored key: the seq of its record and the record's timestamp (wall-clock ns). */
    record Key(String key, long seq, long timestampNs) {
    }

    private HashMap<String, Key> byKey = new HashMap<>();
    private final ArrayDeque<Key> order = new ArrayDeque<>();
    /** The map's size at its peak since it was last empty: a map that grew large is replaced once empty. */
    private int peak;

    int size() {
        return order.size();
    }

    /** The entry of {@code key} stored within the window, or null. */
    Key find(String key) {
        return byKey.get(key);
    }

    /** Remembers a key just stored (seqs only grow). */
    void add(String key, long seq, long timestampNs) {
        Key k = new Key(key, seq, timestampNs);
        byKey.put(key, k);
        order.addLast(k);
        peak = Math.max(peak, order.size());
    }

    /** Loads the keys a restart found in the log, oldest first. */
    void load(List<Key> keys) {
        for (Key k : keys) {
            add(k.key(), k.seq(), k.timestampNs());
        }
    }

    /** Forgets the keys stored at or before {@code nowNs - windowNs} (all of them when the window is 0). */
    void expire(long nowNs, long windowNs) {
        long cutoff = nowNs - windowNs;
        while (!order.isEmpty() && (windowNs <= 0 || order.peekFirst().timestampNs() <= cutoff)) {
            remove(order.pollFirst());
        }
        shrinkIfEmpty();
    }

    /** Forgets the keys of records at or after {@code seq}: their durable write failed and was rolled back. */
    void forgetFrom(long seq) {
        while (!order.isEmpty() && order.peekLast().seq() >= seq) {
            remove(order.pollLast());
        }
        shrinkIfEmpty();
    }

    private void remove(Key k) {
        // a key stored again after it expired has a newer entry: leave that one
        byKey.remove(k.key(), k);
    }

    private void shrinkIfEmpty() {
        if (order.isEmpty() && peak > 1024) {
            byKey = new HashMap<>(); // a HashMap never shrinks its table: after a burst, let it go
            peak = 0;
        }
    }
}
