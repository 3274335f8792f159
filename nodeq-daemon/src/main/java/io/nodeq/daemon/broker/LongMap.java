package io.nodeq.daemon.broker;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * An open-addressing map from long keys to values, without boxing: in-flight and deferred
 * messages are looked up by ID for every FIN, so a {@code HashMap<Long, ...>} would allocate per
 * message. Linear probing with backward-shift deletion (no tombstones).
 *
 * <p>Not thread-safe; owned by whoever owns the enclosing structure.
 */
final class LongMap<V> {
    private static final long EMPTY = 0L;
    private long[] keys;
    private Object[] values;
    private int size;
    private int mask;
    /** Key 0 is our empty marker, so a value under key 0 lives here. */
    private V zeroValue;
    private boolean hasZero;

    LongMap() {
        this(16);
    }

    LongMap(int capacity) {
        int cap = Integer.highestOneBit(Math.max(4, capacity) * 2 - 1);
        keys = new long[cap];
        values = new Object[cap];
        mask = cap - 1;
    }

    int size() {
        return size + (hasZero ? 1 : 0);
    }

    boolean isEmpty() {
        return size() == 0;
    }

    @SuppressWarnings("unchecked")
    V get(long key) {
        if (key == EMPTY) {
            return hasZero ? zeroValue : null;
        }
        int i = slot(key);
        while (true) {
            long k = keys[i];
            if (k == EMPTY) {
                return null;
            }
            if (k == key) {
                return (V) values[i];
            }
            i = (i + 1) & mask;
        }
    }

    /** Puts and returns the previous value, if any. */
    @SuppressWarnings("unchecked")
    V put(long key, V value) {
        if (key == EMPTY) {
            V old = zeroValue;
            zeroValue = value;
            hasZero = true;
            return old;
        }
        int i = slot(key);
        while (true) {
            long k = keys[i];
            if (k == EMPTY) {
                keys[i] = key;
                values[i] = value;
                if (++size * 2 > keys.length) { // at most half full: short probe runs keep remove cheap
                    grow();
                }
                return null;
            }
            if (k == key) {
                V old = (V) values[i];
                values[i] = value;
                return old;
            }
            i = (i + 1) & mask;
        }
    }

    @SuppressWarnings("unchecked")
    V remove(long key) {
        if (key == EMPTY) {
            V old = zeroValue;
            zeroValue = null;
            hasZero = false;
            return old;
        }
        int i = slot(key);
        while (true) {
            long k = keys[i];
            if (k == EMPTY) {
                return null;
            }
            if (k == key) {
                V old = (V) values[i];
                shiftBack(i);
                size--;
                return old;
            }
            i = (i + 1) & mask;
        }
    }

    @SuppressWarnings("unchecked")
    void forEachValue(Consumer<V> action) {
        if (hasZero) {
            action.accept(zeroValue);
        }
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != EMPTY) {
                action.accept((V) values[i]);
            }
        }
    }

    void clear() {
        Arrays.fill(keys, EMPTY);
        Arrays.fill(values, null);
        size = 0;
        hasZero = false;
        zeroValue = null;
    }

    private void shiftBack(int hole) {
        int i = hole;
        while (true) {
            int next = (i + 1) & mask;
            long k = keys[next];
            if (k == EMPTY) {
                break;
            }
            int home = slot(k);
            // move k into the hole if its home is not cyclically in (hole, next]
            boolean between = hole <= next ? (home > hole && home <= next) : (home > hole || home <= next);
            if (!between) {
                keys[hole] = k;
                values[hole] = values[next];
                hole = next;
            }
            i = next;
        }
        keys[hole] = EMPTY;
        values[hole] = null;
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    @SuppressWarnings("unchecked")
    private void grow() {
        long[] oldKeys = keys;
        Object[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new Object[oldKeys.length * 2];
        mask = keys.length - 1;
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                put(oldKeys[i], (V) oldValues[i]);
            }
        }
    }
}
