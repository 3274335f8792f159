package io.nodeq.daemon.broker;

/**
 * A min-heap of (deadline, id) pairs in two primitive arrays: the timeout and deferral schedule of
 * a channel without an object per entry. Entries are never removed early; whoever pops one checks
 * it is still current (the message still in flight with the same deadline), which makes FIN and
 * TOUCH O(1) and O(log n).
 *
 * <p>Not thread-safe; owned by its channel's shard.
 */
final class DeadlineHeap {
    private long[] deadlines = new long[64];
    private long[] ids = new long[64];
    private int size;

    void push(long deadline, long id) {
        if (size == deadlines.length) {
            deadlines = java.util.Arrays.copyOf(deadlines, size * 2);
            ids = java.util.Arrays.copyOf(ids, size * 2);
        }
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (deadlines[parent] <= deadline) {
                break;
            }
            deadlines[i] = deadlines[parent];
            ids[i] = ids[parent];
            i = parent;
        }
        deadlines[i] = deadline;
        ids[i] = id;
    }

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    long peekDeadline() {
        return deadlines[0];
    }

    long peekId() {
        return ids[0];
    }

    void pop() {
        int last = --size;
        if (last == 0) {
            return;
        }
        long d = deadlines[last];
        long id = ids[last];
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= last) {
                break;
            }
            if (child + 1 < last && deadlines[child + 1] < deadlines[child]) {
                child++;
            }
            if (deadlines[child] >= d) {
                break;
            }
            deadlines[i] = deadlines[child];
            ids[i] = ids[child];
            i = child;
        }
        deadlines[i] = d;
        ids[i] = id;
    }

    void clear() {
        size = 0;
        if (deadlines.length > 1024) {
            deadlines = new long[64];
            ids = new long[64];
        }
    }
}
