package io.nodeq.daemon.broker;

/**
 * A set of sequence numbers at or above a floor that only moves up, as a bit ring: a channel's
 * finished messages above its ack floor, or the ones its log scan must skip. Finishes cluster just
 * above the floor, so the ring stays a few words long; one message held back for an hour makes it
 * grow to one bit per message published meanwhile (128 KiB a million), never more.
 *
 * <p>Owned by its channel's shard; not thread-safe.
 */
final class SeqBits {
    private long[] words = new long[4];
    /** The seq of bit 0 of word {@code head}; always a multiple of 64. */
    private long base;
    private int head;
    private long count;

    SeqBits(long floor) {
        base = floor & ~63L;
    }

    long count() {
        return count;
    }

    boolean contains(long seq) {
        if (seq < base) {
            return false;
        }
        long word = (seq - base) >>> 6;
        if (word >= words.length) {
            return false;
        }
        return (words[(int) ((head + word) % words.length)] & (1L << (seq & 63))) != 0;
    }

    /** Adds {@code seq}; seqs below the floor given to {@link #dropBelow} are ignored. */
    boolean add(long seq) {
        if (seq < base) {
            return false;
        }
        long word = (seq - base) >>> 6;
        while (word >= words.length) {
            grow();
        }
        int i = (int) ((head + word) % words.length);
        long bit = 1L << (seq & 63);
        if ((words[i] & bit) != 0) {
            return false;
        }
        words[i] |= bit;
        count++;
        return true;
    }

    boolean remove(long seq) {
        if (!contains(seq)) {
            return false;
        }
        long word = (seq - base) >>> 6;
        words[(int) ((head + word) % words.length)] &= ~(1L << (seq & 63));
        count--;
        return true;
    }

    /**
     * The first seq at or above {@code from} that is not in the set, removing every seq below it:
     * how an ack floor advances over the finished messages just above it.
     */
    long advanceFrom(long from) {
        long seq = from;
        while (count > 0 && contains(seq)) {
            seq++;
        }
        dropBelow(seq);
        return seq;
    }

    /** Forgets every seq below {@code floor}. */
    void dropBelow(long floor) {
        while (count > 0 && base + 64 <= floor) {
            count -= Long.bitCount(words[head]);
            words[head] = 0;
            head = (head + 1) % words.length;
            base += 64;
        }
        if (count == 0) {
            // every word is already zero (count is exact): just move the base, without touching a
            // ring that once grew for a message held back long
            base = Math.max(base, floor & ~63L);
            return;
        }
        if (floor > base) {
            long mask = floor - base >= 64 ? -1L : (1L << (floor - base)) - 1;
            count -= Long.bitCount(words[head] & mask);
            words[head] &= ~mask;
        }
    }

    /** Counts the members at or above {@code from}. */
    long countFrom(long from) {
        if (count == 0 || from <= base) {
            return count;
        }
        long below = 0;
        long words64 = (from - base) >>> 6;
        for (long w = 0; w < words64 && w < words.length; w++) {
            below += Long.bitCount(words[(int) ((head + w) % words.length)]);
        }
        if (words64 < words.length) {
            long mask = (1L << (from & 63)) - 1;
            below += Long.bitCount(words[(int) ((head + words64) % words.length)] & mask);
        }
        return count - below;
    }

    /** Calls {@code action} for every member, in order. */
    void forEach(java.util.function.LongConsumer action) {
        for (int w = 0; w < words.length; w++) {
            long bits = words[(head + w) % words.length];
            while (bits != 0) {
                int b = Long.numberOfTrailingZeros(bits);
                action.accept(base + ((long) w << 6) + b);
                bits &= bits - 1;
            }
        }
    }

    /**
     * Keeps only the members {@code keep} accepts, over a floor that may be lower than the current
     * one (a rewind moves a channel's cursor back): the ring is rebuilt, in O(members).
     */
    void rebuild(long floor, java.util.function.LongPredicate keep) {
        long[] kept = new long[(int) Math.min(count, Integer.MAX_VALUE - 8)];
        int[] n = {0};
        forEach(seq -> {
            if (seq >= floor && keep.test(seq)) {
                kept[n[0]++] = seq;
            }
        });
        clear(floor);
        for (int i = 0; i < n[0]; i++) {
            add(kept[i]);
        }
    }

    void clear(long floor) {
        java.util.Arrays.fill(words, 0);
        head = 0;
        count = 0;
        base = floor & ~63L;
    }

    private void grow() {
        long[] bigger = new long[words.length * 2];
        for (int w = 0; w < words.length; w++) {
            bigger[w] = words[(head + w) % words.length];
        }
        words = bigger;
        head = 0;
    }
}
