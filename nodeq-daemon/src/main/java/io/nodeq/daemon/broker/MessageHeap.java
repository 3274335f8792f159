package io.nodeq.daemon.broker;

import java.util.Arrays;

/**
 * A min-heap of messages by deadline (in flight) or due time (deferred) that knows where each
 * message sits ({@link Message#heapIndex}), so FIN removes and TOUCH re-orders in O(log n) and
 * the heap never holds finished messages. A message is in at most one heap at a time.
 *
 * <p>Four children per node and the keys kept beside the messages in a {@code long[]}: a FIN
 * removes a message near the root (the oldest in flight), which sifts down the whole height, and
 * this way each level is one cache line of keys instead of two message objects, at half the height.
 *
 * <p>Not thread-safe; owned by its channel's shard.
 */
final class MessageHeap {
    private final boolean byDue;
    private Message[] items = new Message[64];
    private long[] keys = new long[64];
    private int size;

    /** {@code byDue}: order by {@link Message#due}, else by {@link Message#deadline}. */
    MessageHeap(boolean byDue) {
        this.byDue = byDue;
    }

    private long key(Message m) {
        return byDue ? m.due : m.deadline;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    Message peek() {
        return size == 0 ? null : items[0];
    }

    void add(Message m) {
        if (size == items.length) {
            items = Arrays.copyOf(items, size * 2);
            keys = Arrays.copyOf(keys, size * 2);
        }
        size++;
        place(siftUp(size - 1, key(m)), m, key(m));
    }

    Message poll() {
        if (size == 0) {
            return null;
        }
        Message top = items[0];
        removeAt(0);
        return top;
    }

    /** Removes {@code m} if it is in this heap. */
    void remove(Message m) {
        int i = m.heapIndex;
        if (i >= 0 && i < size && items[i] == m) {
            removeAt(i);
        }
    }

    /** Restores order after {@code m}'s key changed. */
    void update(Message m) {
        int i = m.heapIndex;
        if (i >= 0 && i < size && items[i] == m) {
            long k = key(m);
            place(siftDown(siftUp(i, k), k), m, k);
        }
    }

    void clear() {
        for (int i = 0; i < size; i++) {
            items[i].heapIndex = -1;
            items[i] = null;
        }
        size = 0;
        if (items.length > 4096) {
            items = new Message[64];
            keys = new long[64];
        }
    }

    private void removeAt(int i) {
        items[i].heapIndex = -1;
        int last = --size;
        Message moved = items[last];
        long k = keys[last];
        items[last] = null;
        if (i != last) {
            place(siftDown(siftUp(i, k), k), moved, k);
        }
    }

    private void place(int i, Message m, long k) {
        items[i] = m;
        keys[i] = k;
        m.heapIndex = i;
    }

    /** Moves parents with a larger key than {@code k} down from the hole at {@code i}; returns where the hole ends. */
    private int siftUp(int i, long k) {
        while (i > 0) {
            int parent = (i - 1) >>> 2;
            if (keys[parent] <= k) {
                break;
            }
            place(i, items[parent], keys[parent]);
            i = parent;
        }
        return i;
    }

    /** Moves the smallest child up into the hole at {@code i} while it is smaller than {@code k}; returns where the hole ends. */
    private int siftDown(int i, long k) {
        while (true) {
            int first = 4 * i + 1;
            if (first >= size) {
                return i;
            }
            int end = Math.min(first + 4, size);
            int best = first;
            long bestKey = keys[first];
            for (int c = first + 1; c < end; c++) {
                if (keys[c] < bestKey) {
                    best = c;
                    bestKey = keys[c];
                }
            }
            if (bestKey >= k) {
                return i;
            }
            place(i, items[best], bestKey);
            i = best;
        }
    }
}
