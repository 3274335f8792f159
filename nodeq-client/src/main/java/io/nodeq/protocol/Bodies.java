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

    private byte[][] arrays;
    private int[] offsets;
    private int[] lengths;
    private BodyBlocks.Block[] blocks;
    private int count;

    Bodies(int capacity) {
        int n = Math.max(1, capacity);
        arrays = new byte[n][];
        offsets = new int[n];
        lengths = new int[n];
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
        if (count == arrays.length) {
            int n = count * 2;
            arrays = Arrays.copyOf(arrays, n);
            offsets = Arrays.copyOf(offsets, n);
            lengths = Arrays.copyOf(lengths, n);
            if (blocks != null) {
                blocks = Arrays.copyOf(blocks, n);
            }
        }
        if (block != null && blocks == null) {
            blocks = new BodyBlocks.Block[arrays.length];
        }
        if (blocks != null) {
            blocks[count] = block;
        }
        arrays[count] = array;
        offsets[count] = offset;
        lengths[count] = length;
        count++;
    }

    public int count() {
        return count;
    }

    /** The array holding body {@code i} (maybe shared with other bodies: read only its span). */
    public byte[] array(int i) {
        return arrays[check(i)];
    }

    public int offset(int i) {
        return offsets[check(i)];
    }

    public int length(int i) {
        return lengths[check(i)];
    }

    /** The bytes of every body together. */
    public long totalLength() {
        long n = 0;
        for (int i = 0; i < count; i++) {
            n += lengths[i];
        }
        return n;
    }

    /** Body {@code i} as an array of its own: the array itself when the body is all of it, else a copy. */
    public byte[] bytes(int i) {
        byte[] a = array(i);
        int off = offsets[i];
        int len = lengths[i];
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
        if (blocks != null) {
            for (int i = 0; i < count; i++) {
                if (blocks[i] != null) {
                    blocks[i].release();
                }
            }
        }
        arrays = null;
        offsets = null;
        lengths = null;
        blocks = null;
        count = 0;
    }

    private int check(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("body " + i + " of " + count + (arrays == null ? " (released)" : ""));
        }
        return i;
    }
}
