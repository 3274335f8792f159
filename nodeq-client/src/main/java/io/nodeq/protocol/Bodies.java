package io.nodeq.protocol;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The message bodies of one PUB, DPUB or MPUB, in wire order. Each is a span of a byte array: its
 * own array, or part of a block that {@link BodyBlocks} shares between the bodies of many commands
 * and reuses once they are all released.
 *
 * <p>Read-only once decoded. A {@code Bodies} taken from a pooled {@link BodyBlocks} must be
 * {@linkplain #release released} exactly once, on the thread that decoded it, after its last
 * reader is done (the daemon: when the shard's answer is back on the connection's loop); after
 * that its spans may hold other bodies, so it forgets them. One that is never released costs a
 * block that is not reused, never a leak: blocks are plain heap arrays.
 */
public final class Bodies {

    // body 0 inline (a PUB or DPUB allocates no arrays), bodies 1.. in the arrays at i - 1
    private byte[] array0;
    private int offset0;
    private int length0;
    private BodyBlocks.Block block0;
    private byte[][] arrays;
    private int[] offsets;
    private int[] lengths;
    private BodyBlocks.Block[] blocks;
    private int count;
    private boolean released;

    Bodies(int capacity) {
        if (capacity > 1) {
            grow(capacity - 1);
        }
    }

    /** The given bodies, each its whole array (not copied; the caller must not change them). */
    public static Bodies of(List<byte[]> bodies) {
        Bodies b = new Bodies(bodies.size());
        for (byte[] body : bodies) {
            b.add(body, 0, body.length, null);
        }
        return b;
    }

    /** One body, its whole array (not copied). */
    public static Bodies of(byte[] body) {
        Bodies b = new Bodies(1);
        b.add(body, 0, body.length, null);
        return b;
    }

    void add(byte[] array, int offset, int length, BodyBlocks.Block block) {
        if (count == 0) {
            array0 = array;
            offset0 = offset;
            length0 = length;
            block0 = block;
            count = 1;
            return;
        }
        int k = count - 1;
        if (arrays == null || k == arrays.length) {
            grow(arrays == null ? 1 : 2 * arrays.length);
        }
        if (block != null && blocks == null) {
            blocks = new BodyBlocks.Block[arrays.length];
        }
        if (blocks != null) {
            blocks[k] = block;
        }
        arrays[k] = array;
        offsets[k] = offset;
        lengths[k] = length;
        count++;
    }

    private void grow(int n) {
        if (arrays == null) {
            arrays = new byte[n][];
            offsets = new int[n];
            lengths = new int[n];
            return;
        }
        arrays = Arrays.copyOf(arrays, n);
        offsets = Arrays.copyOf(offsets, n);
        lengths = Arrays.copyOf(lengths, n);
        if (blocks != null) {
            blocks = Arrays.copyOf(blocks, n);
        }
    }

    public int count() {
        return count;
    }

    /** The array holding body {@code i} (maybe shared with other bodies: read only its span). */
    public byte[] array(int i) {
        return check(i) == 0 ? array0 : arrays[i - 1];
    }

    public int offset(int i) {
        return check(i) == 0 ? offset0 : offsets[i - 1];
    }

    public int length(int i) {
        return check(i) == 0 ? length0 : lengths[i - 1];
    }

    /** The bytes of every body together. */
    public long totalLength() {
        long n = count == 0 ? 0 : length0;
        for (int i = 0; i < count - 1; i++) {
            n += lengths[i];
        }
        return n;
    }

    /** Body {@code i} as an array of its own: the array itself when the body is all of it, else a copy. */
    public byte[] bytes(int i) {
        byte[] a = array(i);
        int off = offset(i);
        int len = length(i);
        return off == 0 && len == a.length ? a : Arrays.copyOfRange(a, off, off + len);
    }

    /** Every body as an array of its own (see {@link #bytes}). */
    public List<byte[]> toList() {
        List<byte[]> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(bytes(i));
        }
        return out;
    }

    /**
     * Hands the bodies' blocks back for reuse; from here on this holds no body. Call once, on the
     * decoding thread, when nothing reads the bodies any more. Harmless on bodies of their own.
     */
    public void release() {
        if (block0 != null) {
            block0.release();
        }
        if (blocks != null) {
            for (int i = 0; i < count - 1; i++) {
                if (blocks[i] != null) {
                    blocks[i].release();
                }
            }
        }
        released = true;
        array0 = null;
        block0 = null;
        arrays = null;
        offsets = null;
        lengths = null;
        blocks = null;
        count = 0;
    }

    private int check(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("body " + i + " of " + count + (released ? " (released)" : ""));
        }
        return i;
    }
}
