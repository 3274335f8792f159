package io.nodeq.daemon.broker;

import java.util.Arrays;

/**
 * A min-heap of messages by deadline (in flight) or due time (deferred) that knows where each
 * message sits ({@link Message#heapIndex}), so FIN removes and TOUCH re-orders in O(log n) and
 * the heap never holds finished messages. A message is in at most one heap at a time.
 *
 * <p>Not thread-safe; owned by its channel's shard.
 */
final class MessageHeap {
    private final boolean byDue;
    private Message[] items = new Message[64];
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
        }
        items[size] = m;
        m.heapIndex = size;
        size++;
        siftUp(size - 1);
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
            siftDown(siftUp(i));
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
        }
    }

    private void removeAt(int i) {
        Message removed = items[i];
        removed.heapIndex = -1;
        int last = --size;
        if (i != last) {
            Message moved = items[last];
            items[i] = moved;
            moved.heapIndex = i;
            items[last] = null;
            siftDown(siftUp(i));
        } else {
            items[last] = null;
        }
    }

    private int siftUp(int i) {
        Message m = items[i];
        long k = key(m);
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Message p = items[parent];
            if (key(p) <= k) {
                break;
            }
            items[i] = p;
            p.heapIndex = i;
            i = parent;
        }
        items[i] = m;
        m.heapIndex = i;
        return i;
    }

    private void siftDown(int i) {
        Message m = items[i];
        long k = key(m);
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && key(items[child + 1]) < key(items[child])) {
                child++;
            }
            Message c = items[child];
            if (key(c) >= k) {
                break;
            }
            items[i] = c;
            c.heapIndex = i;
            i = child;
        }
        items[i] = m;
        m.heapIndex = i;
    }
}
